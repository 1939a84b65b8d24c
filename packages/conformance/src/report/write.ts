/**
 * `--report DIR`: report.json (one per role as report-<role>.json when a run
 * tested several roles), junit.xml, report.html, vectors.json when the golden
 * vectors ran, and replay/<CASE>.json for each failure.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CaseResult as VectorResult } from "../suites/vectors.js";
import { htmlReport } from "./html.js";
import { junitReport } from "./junit.js";
import { toReport, type RoleRun } from "./model.js";
import type { ReplayFile } from "./replay-file.js";
import { checkReport } from "./validate.js";

export const replayPath = (dir: string, caseId: string): string => join(dir, "replay", `${caseId}.json`);

const json = (v: unknown) => `${JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x), 2)}\n`;

/** Writes the report files; returns their paths. Throws if a report would not validate (a toolkit bug). */
export function writeReportDir(dir: string, runs: readonly RoleRun[], replays: readonly ReplayFile[], vectors?: readonly VectorResult[]): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const put = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    written.push(path);
  };
  for (const run of runs) {
    const report = toReport(run);
    const check = checkReport(report);
    if (!check.ok) throw new Error(`the ${run.role} report does not validate against report.schema.json:\n  ${check.errors.join("\n  ")}`);
    put(runs.length === 1 ? "report.json" : `report-${run.role}.json`, json(report));
  }
  put("junit.xml", junitReport(runs, vectors));
  put("report.html", htmlReport(runs, vectors));
  if (vectors && vectors.length > 0) put("vectors.json", json({ suite: "vectors", results: vectors }));
  if (replays.length > 0) mkdirSync(join(dir, "replay"), { recursive: true });
  for (const r of replays) {
    const path = replayPath(dir, r.case);
    writeFileSync(path, json(r));
    written.push(path);
  }
  return written;
}
