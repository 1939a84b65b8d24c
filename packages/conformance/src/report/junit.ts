/**
 * JUnit XML for CI dashboards: one testsuite per role run (and one for the
 * golden vectors), one testcase per case; unsupported and skipped cases are
 * <skipped/> with their reason, failures carry requirement, expected,
 * actual, seed and the replay command.
 */
import type { CaseResult as VectorResult } from "../suites/vectors.js";
import type { CaseResult } from "../runner/run.js";
import type { RoleRun } from "./model.js";
import { countOutcomes } from "./model.js";

export const xmlEscape = (s: string): string =>
  // eslint-disable-next-line no-control-regex
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");

function testcase(r: CaseResult): string {
  const name = xmlEscape(`${r.case.id} ${r.case.title}`);
  const head = `    <testcase classname="ferry.${r.case.role}" name="${name}" time="${(r.durationMs / 1000).toFixed(3)}"`;
  if (r.outcome === "pass") return `${head}/>`;
  if (r.outcome !== "fail" || !r.failure) return `${head}><skipped message="${xmlEscape(`${r.outcome}: ${r.reason ?? ""}`)}"/></testcase>`;
  const f = r.failure;
  const body = [`requirement: ${f.requirement}`, `expected: ${f.expected}`, `actual: ${f.actual}`, `seed: ${f.seed}${f.path ? ` path: ${f.path}` : ""}`, `replay: ${f.replay}`].join("\n");
  return `${head}><failure type="${xmlEscape(f.requirement)}" message="${xmlEscape(`[${f.requirement}] expected ${f.expected}; actual ${f.actual}`)}">${xmlEscape(body)}</failure></testcase>`;
}

function vectorCase(v: VectorResult): string {
  const head = `    <testcase classname="ferry.vectors.${xmlEscape(v.file)}" name="${xmlEscape(`${v.id} [${v.requirements.join(", ")}]`)}"`;
  if (v.outcome === "pass") return `${head}/>`;
  const show = (x: unknown) => JSON.stringify(x, (_k, val) => (typeof val === "bigint" ? val.toString() : val));
  return `${head}><failure type="CONF-14" message="${xmlEscape(v.detail ?? "vector failed")}">${xmlEscape(`expected: ${show(v.expected)}\nactual: ${show(v.actual)}`)}</failure></testcase>`;
}

export function junitReport(runs: readonly RoleRun[], vectors?: readonly VectorResult[]): string {
  const suites = runs.map((run) => {
    const n = countOutcomes(run.results);
    const time = ((run.finished.getTime() - run.started.getTime()) / 1000).toFixed(3);
    const name = xmlEscape(`ferry-conformance ${run.role} ${run.target.url ?? run.target.cmd ?? ""}`);
    return [
      `  <testsuite name="${name}" tests="${run.results.length}" failures="${n.failed}" errors="0" skipped="${n.unsupported + n.skipped}" time="${time}" timestamp="${run.started.toISOString()}">`,
      `    <properties><property name="seed" value="${run.seed}"/><property name="runs" value="${run.runs}"/></properties>`,
      ...run.results.map(testcase),
      `  </testsuite>`,
    ].join("\n");
  });
  if (vectors && vectors.length > 0) {
    const failed = vectors.filter((v) => v.outcome === "fail").length;
    suites.push([`  <testsuite name="ferry-conformance vectors" tests="${vectors.length}" failures="${failed}" errors="0" skipped="0">`, ...vectors.map(vectorCase), `  </testsuite>`].join("\n"));
  }
  const tests = runs.reduce((n, r) => n + r.results.length, 0) + (vectors?.length ?? 0);
  const failures = runs.reduce((n, r) => n + countOutcomes(r.results).failed, 0) + (vectors?.filter((v) => v.outcome === "fail").length ?? 0);
  return [`<?xml version="1.0" encoding="UTF-8"?>`, `<testsuites name="ferry-conformance" tests="${tests}" failures="${failures}">`, ...suites, `</testsuites>`, ""].join("\n");
}
