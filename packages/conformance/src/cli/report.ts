/** Console and JSON output of a conformance run. */
import type { CaseResult, SuiteRun } from "../suites/vectors.js";

export function textProgress(r: CaseResult): void {
  if (r.outcome === "pass") process.stdout.write(".");
  else process.stdout.write("F");
}

function show(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

export function printSummary(run: SuiteRun, source: string): void {
  const failed = run.results.filter((r) => r.outcome === "fail");
  process.stdout.write("\n");
  for (const f of failed) {
    console.log(`\nFAIL ${f.id} (${f.file}) [${f.requirements.join(", ")}]`);
    if (f.detail) console.log(`  ${f.detail}`);
    console.log(`  expected: ${show(f.expected)}`);
    console.log(`  actual:   ${show(f.actual)}`);
    console.log(`  replay:   ferry-conformance vectors --only ${f.id}`);
  }
  const files = new Set(run.results.map((r) => r.file)).size;
  const requirements = new Set(run.results.flatMap((r) => r.requirements)).size;
  console.log(`\n${run.suite}: ${run.results.length} cases from ${files} files in ${source}, citing ${requirements} requirement ids`);
  console.log(`${run.results.length - failed.length} passed, ${failed.length} failed`);
}

export function toJsonReport(run: SuiteRun, source: string) {
  const failed = run.results.filter((r) => r.outcome === "fail").length;
  return {
    suite: run.suite,
    source,
    summary: { passed: run.results.length - failed, failed },
    cases: run.results,
  };
}
