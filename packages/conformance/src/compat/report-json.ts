/** JSON report: the whole CompatReport, with counts, for tools. */
import type { CompatReport } from "./gate.js";

export function jsonReport(report: CompatReport): string {
  const summary: Record<string, number> = { breaking: 0, additive: 0, info: 0, error: 0, warning: 0, failing: 0 };
  for (const f of report.findings) {
    summary[f.severity] = (summary[f.severity] ?? 0) + 1;
    if (f.fails) summary.failing = (summary.failing ?? 0) + 1;
  }
  return JSON.stringify({ tool: "ferry-conformance compat", ...report, summary }, null, 2) + "\n";
}
