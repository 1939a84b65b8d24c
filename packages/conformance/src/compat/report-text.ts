/** Text report: one line per finding (file:line, rule id, location, what changed, whom it breaks), then the verdict. */
import type { Finding } from "./finding.js";
import type { CompatReport } from "./gate.js";

export function findingLine(f: Finding): string {
  const where = f.line ? `${f.file}:${f.line}` : f.file;
  const severity = f.fails ? `${f.severity}, FAILS` : f.severity;
  const breaks = f.breaks.length > 0 ? ` (breaks ${f.breaks.join(", ")})` : "";
  return `${where}: ${f.rule} [${severity}] ${f.location}: ${f.message}${breaks}`;
}

export function summaryLine(report: CompatReport): string {
  const count = (s: Finding["severity"]) => report.findings.filter((f) => f.severity === s).length;
  const failing = report.findings.filter((f) => f.fails).length;
  const released = report.baseline.released && report.baseline.released !== report.baseline.version ? `, last release ${report.baseline.released}` : "";
  return (
    `compat: ${report.spec.dir} (version ${report.spec.version ?? "unreadable"}) against ${report.baseline.label} (version ${report.baseline.version}${released}): ` +
    `${count("breaking")} breaking, ${count("additive")} additive, ${count("info")} info, ${count("error")} errors, ${count("warning")} warnings; ` +
    (report.verdict === "pass" ? "compatible or correctly versioned" : `FAIL (${failing} failing)`)
  );
}

export function textReport(report: CompatReport): string {
  return [...report.findings.map(findingLine), summaryLine(report)].join("\n") + "\n";
}
