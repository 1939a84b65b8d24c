/**
 * `ferry-conformance run`: resolve each role's target (or start the
 * reference), probe it, plan and run its cases, then print and write the
 * reports. Exit status 0 when every selected case passed, 1 when one
 * failed, 2 for bad usage or a target that cannot be reached [CONF-13].
 */
import { resolve } from "node:path";
import { readIcs } from "../ics/load.js";
import type { Ics } from "../ics/types.js";
import { TargetUnreachable, type Role } from "../runner/case.js";
import { registeredCases, registeredRoles } from "../runner/registry.js";
import { runCases, type CaseInfo } from "../runner/run.js";
import { plan, unknownFilters } from "../runner/select.js";
import type { RoleRun } from "../report/model.js";
import { replayFileOf, type ReplayFile } from "../report/replay-file.js";
import { requirementIndex } from "../report/spec-files.js";
import { replayPath, writeReportDir } from "../report/write.js";
import { registerBuiltins } from "../suites/index.js";
import { runVectors, type CaseResult as VectorResult } from "../suites/vectors.js";
import { describeTarget } from "../targets/index.js";
import { defaultVectorsDir } from "../paths.js";
import type { Io } from "./io.js";
import { UsageError, type RunOptions } from "./options.js";
import { printOutcome, printHeader, targetLine } from "./output.js";
import { replayCommand } from "./replay-line.js";
import { probeServer, resolveTarget, type Resolved } from "./resolve-target.js";

export interface RunResult {
  code: number;
  runs: RoleRun[];
  vectors?: VectorResult[] | undefined;
}

function loadIcs(path: string | undefined): Ics | undefined {
  if (path === undefined) return undefined;
  const r = readIcs(path);
  if (!r.ok) throw new UsageError(`${path} is not a valid capability statement:\n  ${r.errors.join("\n  ")}`);
  return r.ics;
}

/** Which roles run: the one named, or every role with a suite (the no-target run). */
function rolesOf(o: RunOptions, ics: Ics | undefined): Role[] {
  if (o.role === undefined) {
    if (ics) throw new UsageError("--ics describes the implementation under test: give --role and its target too");
    return registeredRoles();
  }
  if (ics && !ics.roles.includes(o.role)) throw new UsageError(`the ICS declares the roles ${ics.roles.join(", ")}, not ${o.role}`);
  const named = o.role === "server" ? (o.url ?? ics?.setup?.url) : (o.cmd ?? ics?.setup?.command);
  // A capability statement describes the vendor's implementation, never the reference's.
  if (ics && named === undefined) throw new UsageError(o.role === "server" ? "--url is required with --ics (or setup.url in the ICS)" : "--cmd is required with --ics (or setup.command in the ICS)");
  if (registeredCases(o.role).length === 0) throw new UsageError(`no ${o.role} suite is registered in this version of ferry-conformance: there is nothing to run against a ${o.role} yet`);
  return [o.role];
}

export async function runCommand(o: RunOptions, io: Io): Promise<RunResult> {
  registerBuiltins();
  const icsPath = o.ics === undefined ? undefined : resolve(o.ics);
  const ics = loadIcs(o.ics);
  const roles = rolesOf(o, ics);
  const withVectors = o.role === undefined;
  const cases = roles.flatMap((r) => registeredCases(r));
  const unknown = unknownFilters(cases, [...o.only, ...o.exclude], new Set(requirementIndex().keys()));
  if (unknown.length > 0 && !withVectors) throw new UsageError(`no case and no requirement is named ${unknown.join(", ")}`);
  printHeader(io, o);

  const runs: RoleRun[] = [];
  const replays: ReplayFile[] = [];
  for (const role of roles) {
    let resolved: Resolved;
    try {
      resolved = await resolveTarget(role, o, ics, icsPath);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new TargetUnreachable(`cannot start the reference ${role}: ${(e as Error).message}`);
    }
    try {
      io.progress(targetLine(role, resolved));
      if (resolved.target.role === "server") await probeServer(resolved.target);
      const statement = ics ?? resolved.ics;
      const roleCases = registeredCases(role, { simulated: resolved.reference });
      if (roleCases.length === 0) throw new UsageError(`the registered ${role} suites only run against the reference ${role} in simulation: none runs against ${targetLine(role, resolved)}`);
      const planned = plan(roleCases, { only: o.only, exclude: o.exclude, strict: o.strict, ics: statement });
      const started = new Date();
      const replay = (c: CaseInfo, f: { seed: number; path?: string | undefined }) =>
        o.report ? `ferry-conformance replay ${replayPath(o.report, c.id)}` : replayCommand(c.id, f, o, resolved.options);
      const results = await runCases(planned, resolved.target, { seed: o.seed, runs: o.runs, timeoutMs: o.timeoutMs, failFast: o.failFast, path: o.path, ics: statement, replay, sink: io.sink });
      const run: RoleRun = { role, target: describeTarget(resolved.target), ics: statement, seed: o.seed, runs: o.runs, started, finished: new Date(), results };
      runs.push(run);
      for (const r of results) if (r.outcome === "fail" && r.failure) replays.push(replayFileOf(r, { runs: o.runs, timeoutMs: o.timeoutMs, target: resolved.options }));
      if (o.failFast && results.some((r) => r.outcome === "fail")) break;
    } finally {
      await resolved.close();
    }
  }

  let vectors: VectorResult[] | undefined;
  if (withVectors && !(o.failFast && runs.some((r) => r.results.some((x) => x.outcome === "fail")))) {
    vectors = runVectors(defaultVectorsDir(), undefined, o.only).results;
    if (o.only.length > 0 && vectors.length === 0 && unknown.length > 0) throw new UsageError(`no case, requirement or vector is named ${unknown.join(", ")}`);
  }
  const failed = runs.some((r) => r.results.some((x) => x.outcome === "fail")) || (vectors ?? []).some((v) => v.outcome === "fail");
  if (o.report) {
    const written = writeReportDir(o.report, runs, replays, vectors);
    io.progress(`report written: ${written.filter((p) => !p.includes("/replay/")).join(", ")}${replays.length ? ` and ${replays.length} replay files` : ""}`);
  }
  printOutcome(io, o, runs, vectors);
  return { code: failed ? 1 : 0, runs, vectors };
}
