/** The output formats of `ferry-conformance compat`. */
import type { CompatReport } from "./gate.js";
import { githubReport } from "./report-github.js";
import { jsonReport } from "./report-json.js";
import { junitReport } from "./report-junit.js";
import { textReport } from "./report-text.js";

export const FORMATS = { text: textReport, json: jsonReport, junit: junitReport, "github-actions": githubReport } as const;
export type Format = keyof typeof FORMATS;

export const isFormat = (s: string): s is Format => Object.hasOwn(FORMATS, s);

export function formatReport(report: CompatReport, format: Format): string {
  return FORMATS[format](report);
}
