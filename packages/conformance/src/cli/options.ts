/**
 * The options of `run` (and `replay`, which rebuilds them from a file), parsed
 * and checked: any problem is a UsageError, exit status 2 [CONF-13].
 */
import { parseArgs } from "node:util";
import type { Role } from "../runner/case.js";
import { isDeviceHex } from "../targets/server-target.js";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export type Format = "text" | "json" | "junit";

export interface RunOptions {
  role?: Role | undefined;
  url?: string | undefined;
  http?: string | undefined;
  cmd?: string | undefined;
  ics?: string | undefined;
  seed: number;
  /** The seed was drawn, not given: the summary says how to pin it. */
  seedDrawn: boolean;
  runs: number;
  only: string[];
  exclude: string[];
  report?: string | undefined;
  format: Format;
  strict: boolean;
  timeoutMs: number;
  failFast: boolean;
  path?: string | undefined;
  credential?: string | undefined;
  device?: string | undefined;
  device2?: string | undefined;
  foreignDevice?: string | undefined;
  queueCommand?: string | undefined;
}

export const DEFAULT_RUNS = 50;
export const DEFAULT_TIMEOUT_MS = 30_000;

const OPTIONS = {
  role: { type: "string" },
  url: { type: "string" },
  http: { type: "string" },
  cmd: { type: "string" },
  ics: { type: "string" },
  seed: { type: "string" },
  runs: { type: "string" },
  only: { type: "string", multiple: true },
  exclude: { type: "string", multiple: true },
  report: { type: "string" },
  format: { type: "string" },
  strict: { type: "boolean" },
  timeout: { type: "string" },
  "fail-fast": { type: "boolean" },
  path: { type: "string" },
  credential: { type: "string" },
  device: { type: "string" },
  device2: { type: "string" },
  "foreign-device": { type: "string" },
  "queue-command": { type: "string" },
} as const;

function integer(name: string, text: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text)) throw new UsageError(`--${name} must be an integer, not ${JSON.stringify(text)}`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`--${name} must be from ${min} to ${max}, not ${n}`);
  return n;
}

const split = (values: readonly string[] | undefined) => (values ?? []).flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v.length > 0);

/**
 * `--only A B C`: parseArgs takes one value per flag, so ids that follow an
 * --only or --exclude value as positionals belong to it.
 */
function attachListedIds(args: string[]): { args: string[]; rest: string[] } {
  const { tokens } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: false, tokens: true });
  const out: string[] = [];
  const rest: string[] = [];
  let list: "only" | "exclude" | undefined;
  for (const t of tokens) {
    if (t.kind === "option") {
      list = t.name === "only" || t.name === "exclude" ? t.name : undefined;
      if (t.inlineValue) out.push(`${t.rawName}=${t.value}`);
      else out.push(t.rawName, ...(t.value !== undefined ? [t.value] : []));
    } else if (t.kind === "positional") {
      if (list && /^[A-Za-z0-9_.-]+$/.test(t.value)) out.push(`--${list}`, t.value);
      else rest.push(t.value);
    } else out.push("--");
  }
  return { args: out, rest };
}

/** Parses the options of `run`; the positionals left over are returned for the caller to refuse. */
export function parseRunOptions(argv: string[]): { options: RunOptions; positionals: string[] } {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: false }>>["values"];
  const { args, rest } = attachListedIds(argv);
  try {
    ({ values } = parseArgs({ args, options: OPTIONS, allowPositionals: false, strict: true }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const role = values.role;
  if (role !== undefined && role !== "server" && role !== "device" && role !== "app") throw new UsageError(`--role must be server, device or app, not ${role}`);
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json" && format !== "junit") throw new UsageError(`--format must be text, json or junit, not ${format}`);
  if (values.url !== undefined && !/^wss?:\/\/\S+$/.test(values.url)) throw new UsageError(`--url must be a ws:// or wss:// URL, not ${values.url}`);
  if (values.http !== undefined && !/^https?:\/\/\S+$/.test(values.http)) throw new UsageError(`--http must be an http:// or https:// URL, not ${values.http}`);
  if ((values.url !== undefined || values.http !== undefined) && role !== "server") throw new UsageError("--url and --http name a server: use them with --role server");
  if (values.cmd !== undefined && role !== "device" && role !== "app") throw new UsageError("--cmd starts a device or an app: use it with --role device or --role app");
  for (const name of ["device", "device2", "foreign-device"] as const) {
    const v = values[name];
    if (v !== undefined && !isDeviceHex(v)) throw new UsageError(`--${name} must be a device id of 1 to 16 bytes in hex, not ${v}`);
  }
  if (values.path !== undefined && !/^[0-9]+(?::[0-9]+)*$/.test(values.path)) throw new UsageError(`--path must look like 12:3:0, not ${values.path}`);
  const seedGiven = values.seed !== undefined;
  const options: RunOptions = {
    role,
    url: values.url,
    http: values.http,
    cmd: values.cmd,
    ics: values.ics,
    seed: seedGiven ? integer("seed", values.seed!, -2147483648, 4294967295) : Math.floor(Math.random() * 0x7fff_ffff),
    seedDrawn: !seedGiven,
    runs: values.runs !== undefined ? integer("runs", values.runs, 1, 100_000) : DEFAULT_RUNS,
    only: split(values.only),
    exclude: split(values.exclude),
    report: values.report,
    format,
    strict: values.strict ?? false,
    timeoutMs: values.timeout !== undefined ? integer("timeout", values.timeout, 1, 3_600_000) : DEFAULT_TIMEOUT_MS,
    failFast: values["fail-fast"] ?? false,
    path: values.path,
    credential: values.credential,
    device: values.device?.toLowerCase(),
    device2: values.device2?.toLowerCase(),
    foreignDevice: values["foreign-device"]?.toLowerCase(),
    queueCommand: values["queue-command"],
  };
  if (options.path !== undefined && options.only.length !== 1) throw new UsageError("--path replays one property case: give exactly one --only CASE");
  return { options, positionals: rest };
}
