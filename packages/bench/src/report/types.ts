/**
 * The machine-readable results (benchmarks.json). The shape is documented
 * in docs/benchmarks.md and checked by the smoke test; `schema` names its
 * version, bumped on any incompatible change.
 */
import type { BleSection } from "../ble/bench.js";
import type { SectionName } from "../cli.js";
import type { CodecSection } from "../codec/bench.js";
import type { ConformanceSection } from "../conformance/bench.js";
import type { DrainSection } from "../server/drain.js";
import type { IngestSection } from "../server/ingest.js";
import type { Sizes } from "../sizes.js";
import type { CommitInfo, MachineInfo } from "./machine.js";

export const REPORT_SCHEMA = "ferry-bench/1";

export interface Sections {
  codec?: CodecSection;
  ble?: BleSection;
  drain?: DrainSection;
  ingest?: IngestSection;
  conformance?: ConformanceSection;
}

export type TargetStatus = "pass" | "miss" | "not measured";

export interface TargetCheck {
  /** Short stable name. */
  id: string;
  /** The brief's wording. */
  what: string;
  /** The target, in words ("at least 97 %"). */
  target: string;
  /** The measured figure, in words, or why it is not measured. */
  measured: string;
  status: TargetStatus;
  /** How far from the target, in words ("+0.35 points", "958 ms under"). */
  margin?: string;
  /** On a miss: what limits the figure; otherwise context worth a line. */
  note?: string;
}

export interface BenchReport {
  schema: typeof REPORT_SCHEMA;
  /** The command that produced the figures. */
  command: string;
  mode: "full" | "quick";
  /** Benchmarks run; all of them unless --only was given. */
  sections: SectionName[];
  startedAt: string;
  durationS: number;
  machine: MachineInfo;
  commit: CommitInfo;
  sizes: Sizes;
  results: Sections;
  targets: TargetCheck[];
}
