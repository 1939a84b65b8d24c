/**
 * `ferry-conformance replay FILE`: runs the one case of a replay file again,
 * with its seed, fast-check path, runs and target. Exit status 1 when the
 * failure is reproduced, 0 when the case now passes, 2 for bad usage.
 */
import { parseArgs } from "node:util";
import { readReplayFile } from "../report/replay-file.js";
import type { Io } from "./io.js";
import { UsageError, type RunOptions } from "./options.js";
import { runCommand } from "./run-command.js";

export async function replayCommand(argv: string[], io: Io): Promise<number> {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { credential: { type: "string" }, timeout: { type: "string" } } }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (positionals.length !== 1) throw new UsageError("usage: ferry-conformance replay FILE [--credential TOKEN]");
  let file;
  try {
    file = readReplayFile(positionals[0]!);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const t = file.target;
  if (t.credentialGiven && values.credential === undefined) throw new UsageError("the recorded run got its credential from --credential, which a replay file never stores: give it again with --credential");
  const options: RunOptions = {
    role: file.role,
    url: t.reference ? undefined : t.url,
    http: t.reference ? undefined : t.http,
    cmd: t.reference ? undefined : t.cmd,
    ics: t.ics,
    seed: file.seed,
    seedDrawn: false,
    runs: file.runs,
    only: [file.case],
    exclude: [],
    format: "text",
    strict: true,
    timeoutMs: values.timeout !== undefined ? Number(values.timeout) : file.timeoutMs,
    failFast: false,
    path: file.path,
    credential: values.credential,
    device: t.device,
    device2: t.device2,
    foreignDevice: t.foreignDevice,
    queueCommand: t.queueCommand,
  };
  io.progress(`replaying ${file.case} (seed ${file.seed}${file.path ? `, path ${file.path}` : ""}), which failed [${file.failure.requirement}]: expected ${file.failure.expected}; actual ${file.failure.actual}`);
  const result = await runCommand(options, io);
  const outcome = result.runs[0]?.results.find((r) => r.case.id === file.case);
  if (outcome?.outcome === "fail") io.progress(`reproduced: ${file.case} fails [${outcome.failure?.requirement}]`);
  else io.progress(`not reproduced: ${file.case} ${outcome?.outcome ?? "did not run"}`);
  return result.code;
}
