/** Writes benchmarks.json and benchmarks.md into the output directory. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderMarkdown } from "./markdown.js";
import type { BenchReport } from "./types.js";

export const JSON_FILE = "benchmarks.json";
export const MARKDOWN_FILE = "benchmarks.md";

export function writeReport(report: BenchReport, outDir: string): { json: string; markdown: string } {
  mkdirSync(outDir, { recursive: true });
  const json = join(outDir, JSON_FILE);
  const markdown = join(outDir, MARKDOWN_FILE);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdown, renderMarkdown(report));
  return { json, markdown };
}
