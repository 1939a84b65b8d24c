/**
 * A run of one role against one target, and its report in the shape of
 * spec/schemas/report.schema.json [CONF-12]: tool and protocol versions,
 * target, capability statement, seed, each case's outcome (and failure),
 * the counts, and for each requirement the cases that check it.
 */
import type { Ics } from "../ics/types.js";
import type { Role, Step, TracedMessage } from "../runner/case.js";
import type { CaseResult } from "../runner/run.js";
import { protocolVersion, TOOL } from "./spec-files.js";

export interface RoleRun {
  role: Role;
  target: { role: Role; url?: string; cmd?: string };
  /** Inline, or the path it was read from. */
  ics?: Ics | string | undefined;
  seed: number;
  runs: number;
  started: Date;
  finished: Date;
  results: CaseResult[];
}

export interface ReportCase {
  id: string;
  title: string;
  requirements: string[];
  level: "MUST" | "SHOULD";
  outcome: CaseResult["outcome"];
  durationMs: number;
  runs?: number;
  reason?: string;
  failure?: {
    requirement: string;
    expected: string;
    actual: string;
    seed: number;
    path?: string;
    replay: string;
    counterexample?: { steps: Step[]; messages: TracedMessage[] };
  };
}

export interface Report {
  tool: { name: string; version: string };
  protocol: string;
  started: string;
  finished: string;
  seed: number;
  runs: number;
  target: { role: Role; url?: string; cmd?: string };
  ics?: Ics | string;
  summary: { passed: number; failed: number; unsupported: number; skipped: number; durationMs: number };
  cases: ReportCase[];
  coverage: Record<string, string[]>;
}

export function countOutcomes(results: readonly CaseResult[]): Omit<Report["summary"], "durationMs"> {
  const n = (o: CaseResult["outcome"]) => results.filter((r) => r.outcome === o).length;
  return { passed: n("pass"), failed: n("fail"), unsupported: n("unsupported"), skipped: n("skipped") };
}

/** Requirement ids in spec order: prefix, then number. */
export function byRequirementId(a: string, b: string): number {
  const [pa, na] = a.split("-");
  const [pb, nb] = b.split("-");
  return pa === pb ? Number(na) - Number(nb) : pa! < pb! ? -1 : 1;
}

export function coverageOf(results: readonly CaseResult[]): Record<string, string[]> {
  const map = new Map<string, string[]>();
  for (const r of results) for (const req of r.case.cites) map.set(req, [...(map.get(req) ?? []), r.case.id]);
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => byRequirementId(a, b)));
}

function reportCase(r: CaseResult): ReportCase {
  const c: ReportCase = { id: r.case.id, title: r.case.title, requirements: [...new Set(r.case.cites)], level: r.case.level, outcome: r.outcome, durationMs: r.durationMs };
  if ((r.outcome === "pass" || r.outcome === "fail") && r.runs !== undefined) c.runs = r.runs;
  if ((r.outcome === "unsupported" || r.outcome === "skipped") && r.reason) c.reason = r.reason;
  const f = r.failure;
  if (r.outcome === "fail" && f) {
    c.failure = { requirement: f.requirement, expected: f.expected || "(not stated)", actual: f.actual || "(not stated)", seed: f.seed, replay: f.replay };
    if (f.path) c.failure.path = f.path;
    if (f.counterexample) {
      const steps = f.counterexample.steps.filter((s) => (typeof s === "string" ? s.length > 0 : s.action.length > 0));
      c.failure.counterexample = { steps, messages: f.counterexample.messages.map((m) => ({ ...m, type: m.type || "message" })) };
    }
  }
  return c;
}

export function toReport(run: RoleRun): Report {
  const report: Report = {
    tool: { ...TOOL },
    protocol: protocolVersion(),
    started: run.started.toISOString(),
    finished: run.finished.toISOString(),
    seed: run.seed,
    runs: run.runs,
    target: run.target,
    summary: { ...countOutcomes(run.results), durationMs: Math.max(0, run.finished.getTime() - run.started.getTime()) },
    cases: run.results.map(reportCase),
    coverage: coverageOf(run.results),
  };
  if (run.ics !== undefined) report.ics = withoutCredential(run.ics);
  return report;
}

/** A report is shared widely: the statement goes in without its setup's credential [SEC-7]. */
function withoutCredential(ics: Ics | string): Ics | string {
  if (typeof ics === "string" || ics.setup?.credential === undefined) return ics;
  const { credential: _, ...setup } = ics.setup;
  return { ...ics, setup };
}
