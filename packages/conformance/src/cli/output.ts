/** What `run` prints: a header first, the summary last, and the document of --format. */
import { toReport, type RoleRun } from "../report/model.js";
import { junitReport } from "../report/junit.js";
import { TOOL, protocolVersion } from "../report/spec-files.js";
import { failureText, roleSummaryLine } from "../report/text.js";
import type { CaseResult as VectorResult } from "../suites/vectors.js";
import type { Role } from "../runner/case.js";
import type { Io } from "./io.js";
import type { RunOptions } from "./options.js";
import type { Resolved } from "./resolve-target.js";

export function printHeader(io: Io, o: RunOptions): void {
  io.progress(`${TOOL.name} ${TOOL.version}: protocol ${protocolVersion()}, seed ${o.seed}, ${o.runs} runs per property case${o.strict ? ", strict" : ""}`);
}

export function targetLine(role: Role, r: Resolved): string {
  const where = r.target.role === "server" ? r.target.url : r.target.cmd;
  return `${role}: ${where}${r.reference ? ` (the reference ${role}, started by the toolkit)` : ""}`;
}

export function printOutcome(io: Io, o: RunOptions, runs: readonly RoleRun[], vectors: readonly VectorResult[] | undefined): void {
  if (o.format === "json") {
    const reports = runs.map(toReport);
    io.out(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
  } else if (o.format === "junit") io.out(junitReport(runs, vectors));
  // The summary comes last, on the progress stream.
  const failures = runs.flatMap((r) => r.results.filter((x) => x.outcome === "fail" && x.failure));
  const lines: string[] = [""];
  for (const f of failures) lines.push(failureText(f), "");
  const vectorFailures = (vectors ?? []).filter((v) => v.outcome === "fail");
  for (const v of vectorFailures) lines.push(`FAIL vector ${v.id} (${v.file}) [${v.requirements.join(", ")}]: ${v.detail ?? ""}`, `  replay:   ferry-conformance vectors --only ${v.id}`, "");
  for (const r of runs) lines.push(roleSummaryLine(r));
  if (vectors) lines.push(`vectors: ${vectors.length - vectorFailures.length} passed, ${vectorFailures.length} failed`);
  if (o.seedDrawn) lines.push(`seed ${o.seed} was drawn at random: --seed ${o.seed} runs the same scenarios again`);
  const failed = failures.length + vectorFailures.length;
  lines.push(failed === 0 ? "PASS: every selected case passed" : `FAIL: ${failed} failed`);
  for (const l of lines) io.progress(l);
}
