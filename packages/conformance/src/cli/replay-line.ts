/** The shell command that replays one failure when no report directory holds a replay file. */
import type { TargetOptions } from "../report/replay-file.js";
import { DEFAULT_RUNS, DEFAULT_TIMEOUT_MS, type RunOptions } from "./options.js";

/** Quotes a shell word when it needs it. */
export const shellWord = (s: string): string => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function replayCommand(caseId: string, f: { seed: number; path?: string | undefined }, o: RunOptions, t: TargetOptions): string {
  const args = ["ferry-conformance", "run", "--role", t.role];
  const add = (flag: string, value: string | undefined) => value !== undefined && args.push(flag, shellWord(value));
  if (!t.reference) {
    add("--url", t.url);
    add("--http", t.http);
    add("--cmd", t.cmd);
  }
  add("--ics", t.ics);
  add("--device", t.device);
  add("--device2", t.device2);
  add("--foreign-device", t.foreignDevice);
  add("--queue-command", t.queueCommand);
  if (t.credentialGiven) args.push("--credential", "…");
  args.push("--only", caseId, "--seed", String(f.seed));
  if (f.path) args.push("--path", f.path);
  if (o.runs !== DEFAULT_RUNS) args.push("--runs", String(o.runs));
  if (o.timeoutMs !== DEFAULT_TIMEOUT_MS) args.push("--timeout", String(o.timeoutMs));
  return args.join(" ");
}
