/**
 * JUnit XML report: one test case per finding, failed when the finding
 * fails; a compatible spec with no findings is one passing case, so CI
 * dashboards always show the gate ran.
 */
import type { CompatReport } from "./gate.js";
import { findingLine, summaryLine } from "./report-text.js";

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function junitReport(report: CompatReport): string {
  const cases = report.findings.map((f) => {
    const name = xml(`${f.rule} ${f.location}`);
    const body = f.fails ? `<failure type="${xml(f.rule)}" message="${xml(f.message)}">${xml(findingLine(f))}</failure>` : `<system-out>${xml(findingLine(f))}</system-out>`;
    return `    <testcase classname="${xml(f.file)}" name="${name}">${body}</testcase>`;
  });
  if (cases.length === 0) cases.push(`    <testcase classname="compat" name="no change against ${xml(report.baseline.label)}"/>`);
  const failures = report.findings.filter((f) => f.fails).length;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="ferry-conformance compat" tests="${cases.length}" failures="${failures}">`,
    `  <testsuite name="compat against ${xml(report.baseline.label)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">`,
    ...cases,
    `    <system-out>${xml(summaryLine(report))}</system-out>`,
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}
