/**
 * One thing the compatibility gate found. A change finding says what changed
 * and how much that change costs (breaking, additive, info); a rule finding
 * (error, warning) says a rule of the gate itself was broken (version not
 * bumped, changelog section missing). Whether a change finding fails is
 * decided afterwards by the version rule: a breaking change fails only when
 * the major did not go up ([VER-8]).
 */
export type Severity =
  /** rejects something the baseline accepted: needs a new major */
  | "breaking"
  /** only adds: needs at least a new minor */
  | "additive"
  /** worth a look, needs no version change */
  | "info"
  /** a rule of the gate is broken, whatever the version */
  | "error"
  /** reported, never fails (a missing changeset, by default) */
  | "warning";

export interface Finding {
  /**
   * The file: checks give it relative to the spec directory (`gatt.json`,
   * `proto/ferry/v1/ack.proto`) or absolute; the report makes it relative to
   * the current directory.
   */
  file: string;
  /** 1-based line in the working tree's file, when there is one. */
  line?: number;
  /** Where in the file: a JSON pointer, a message name, a requirement id. */
  location: string;
  /** Stable rule id: Ferry's own (GATT_MAX_LENGTH_SHRUNK) or buf's (FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED). */
  rule: string;
  message: string;
  severity: Severity;
  /** Who the change breaks: devices, apps, servers, readers of schemas/x.json. Empty when nobody. */
  breaks: string[];
  /** Set by the version rule: this finding makes the gate fail. */
  fails: boolean;
}

export type FindingInput = Omit<Finding, "fails" | "breaks"> & { breaks?: string[] };

export function finding(f: FindingInput): Finding {
  return { ...f, breaks: f.severity === "breaking" ? (f.breaks ?? []) : [], fails: f.severity === "error" };
}

/** The three roles of the protocol, for changes every peer sees. */
export const ALL_PEERS = ["devices", "apps", "servers"];
/** The two ends of the GATT leg. */
export const GATT_PEERS = ["devices", "apps"];

/** An input the gate cannot read (bad option, missing baseline, no buf): exit 2, not a finding. */
export class CompatInputError extends Error {
  override name = "CompatInputError";
}
