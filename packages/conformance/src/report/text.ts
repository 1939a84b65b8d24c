/** The console: one line per case as it finishes, then the failures and the summary, last. */
import type { CaseInfo, CaseResult, RunSink } from "../runner/run.js";
import type { RoleRun } from "./model.js";
import { countOutcomes } from "./model.js";
import { requirementIndex } from "./spec-files.js";

const LABEL: Record<CaseResult["outcome"], string> = { pass: "pass ", fail: "FAIL ", unsupported: "unsup", skipped: "skip " };

export function caseLine(r: CaseResult): string {
  const ms = r.outcome === "pass" || r.outcome === "fail" ? `${r.durationMs} ms`.padStart(8) : "".padStart(8);
  const runs = r.runs !== undefined && r.runs > 1 ? ` (${r.runs} runs)` : "";
  const why = r.reason ? `: ${r.reason}` : "";
  return `  ${LABEL[r.outcome]} ${r.case.id.padEnd(14)} ${ms}  ${r.case.title}${runs}${why}`;
}

/** Lines while the run goes; cases filtered out are not worth a line each. */
export function textSink(write: (line: string) => void): RunSink {
  return {
    progress: (c: CaseInfo, note: string) => write(`         ${c.id.padEnd(14)} ${note}`),
    finished: (r: CaseResult) => {
      if (r.outcome === "skipped" && r.reason?.startsWith("not selected")) return;
      write(caseLine(r));
      if (r.failure) write(`        [${r.failure.requirement}] expected ${r.failure.expected}; actual ${r.failure.actual}`);
    },
  };
}

function wrap(text: string, width = 100, indent = "    "): string {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out.map((l) => indent + l).join("\n");
}

export function failureText(r: CaseResult): string {
  const f = r.failure!;
  const req = requirementIndex().get(f.requirement);
  const lines = [`FAIL ${r.case.id} ${r.case.title}${r.case.level === "SHOULD" ? " (SHOULD: a warning, not a non-conformance)" : ""}`];
  lines.push(`  requirement ${f.requirement}${req ? ` (${req.level}, ${req.chapter}):` : ""}`);
  if (req) lines.push(wrap(req.text));
  lines.push(`  expected: ${f.expected}`, `  actual:   ${f.actual}`);
  lines.push(`  seed ${f.seed}${f.path ? `, path ${f.path}` : ""}`);
  const steps = f.counterexample?.steps ?? [];
  if (steps.length > 0) lines.push(`  counterexample: ${steps.map((s) => (typeof s === "string" ? s : s.action)).join(" -> ")}`);
  lines.push(`  replay:   ${f.replay}`);
  return lines.join("\n");
}

export function roleSummaryLine(run: RoleRun): string {
  const n = countOutcomes(run.results);
  const warnings = run.results.filter((r) => r.outcome === "fail" && r.case.level === "SHOULD").length;
  const seconds = ((run.finished.getTime() - run.started.getTime()) / 1000).toFixed(1);
  const target = run.target.url ?? run.target.cmd ?? "";
  return `${run.role} (${target}): ${n.passed} passed, ${n.failed} failed${warnings ? ` (${warnings} of them SHOULD-level warnings)` : ""}, ${n.unsupported} unsupported, ${n.skipped} skipped in ${seconds} s`;
}
