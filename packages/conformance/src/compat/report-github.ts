/**
 * GitHub Actions workflow commands: `::error file=...,line=...,title=RULE::message`
 * for failing findings, `::warning` for the other breaking, additive and
 * warning ones, `::notice` for info; then the summary line.
 */
import type { Finding } from "./finding.js";
import type { CompatReport } from "./gate.js";
import { summaryLine } from "./report-text.js";

const data = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const property = (s: string) => data(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

function level(f: Finding): "error" | "warning" | "notice" {
  if (f.fails) return "error";
  return f.severity === "info" ? "notice" : "warning";
}

export function githubAnnotation(f: Finding): string {
  const props = [`file=${property(f.file)}`, ...(f.line ? [`line=${f.line}`] : []), `title=${property(f.rule)}`].join(",");
  const breaks = f.breaks.length > 0 ? ` (breaks ${f.breaks.join(", ")})` : "";
  return `::${level(f)} ${props}::${data(`${f.location}: ${f.message}${breaks}`)}`;
}

export function githubReport(report: CompatReport): string {
  return [...report.findings.map(githubAnnotation), summaryLine(report)].join("\n") + "\n";
}
