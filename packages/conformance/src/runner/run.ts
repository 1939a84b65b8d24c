/**
 * Runs the planned cases of one role against one target, one after the
 * other, each within its time budget, and turns what each returned or threw
 * into a result: pass, fail (with the requirement, expected, actual, seed,
 * counterexample and replay command [CONF-12]), unsupported or skipped.
 */
import type { Ics } from "../ics/types.js";
import { CaseFailure, CaseUnsupported, TargetUnreachable, type Case, type CaseContext, type Counterexample, type Level, type Outcome, type Role, type Verdict } from "./case.js";
import type { Planned } from "./select.js";
import { Trace } from "./trace.js";

export interface CaseInfo {
  id: string;
  title: string;
  cites: readonly string[];
  level: Level;
  role: Role;
}

export interface RecordedFailure {
  requirement: string;
  expected: string;
  actual: string;
  seed: number;
  path?: string | undefined;
  replay: string;
  counterexample?: Counterexample | undefined;
}

export interface CaseResult {
  case: CaseInfo;
  outcome: Outcome;
  durationMs: number;
  runs?: number | undefined;
  reason?: string | undefined;
  failure?: RecordedFailure | undefined;
}

/** What the runner tells the console while it works. */
export interface RunSink {
  started?(c: CaseInfo): void;
  progress?(c: CaseInfo, note: string): void;
  finished?(r: CaseResult): void;
}

export interface RunCasesOptions {
  seed: number;
  runs: number;
  timeoutMs: number;
  failFast: boolean;
  /** Replaying a property failure: fast-check's path. */
  path?: string | undefined;
  ics?: Ics | undefined;
  /** The shell command that replays a failure of this case. */
  replay(c: CaseInfo, failure: { seed: number; path?: string | undefined }): string;
  sink?: RunSink;
}

const info = (c: Case<unknown>): CaseInfo => ({ id: c.id, title: c.title, cites: c.cites, level: c.level, role: c.role });

export async function runCases<T>(planned: readonly Planned<T>[], target: T, options: RunCasesOptions): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  let stoppedBy: string | undefined;
  for (const p of planned) {
    let result: CaseResult;
    if (!p.run) result = { case: info(p.case), outcome: p.outcome, durationMs: 0, reason: p.reason };
    else if (stoppedBy) result = { case: info(p.case), outcome: "skipped", durationMs: 0, reason: `not run: --fail-fast stopped the run after ${stoppedBy} failed` };
    else result = await runOne(p.case, target, options);
    if (result.outcome === "fail" && options.failFast) stoppedBy ??= result.case.id;
    results.push(result);
    options.sink?.finished?.(result);
  }
  return results;
}

async function runOne<T>(c: Case<T>, target: T, options: RunCasesOptions): Promise<CaseResult> {
  const meta = info(c);
  options.sink?.started?.(meta);
  const trace = new Trace();
  const abort = new AbortController();
  const ctx: CaseContext<T> = {
    seed: options.seed,
    runs: c.property ? options.runs : 1,
    timeoutMs: options.timeoutMs,
    path: options.path,
    target,
    ics: options.ics,
    signal: abort.signal,
    trace,
    progress: (note) => options.sink?.progress?.(meta, note),
  };
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Verdict>((resolve) => {
    timer = setTimeout(() => {
      abort.abort(new Error(`timed out after ${options.timeoutMs} ms`));
      resolve({ outcome: "fail", requirement: c.cites[0]!, expected: `the case to finish within ${options.timeoutMs} ms (--timeout)`, actual: "it did not: the target stopped answering" });
    }, options.timeoutMs);
  });
  let verdict: Verdict;
  try {
    verdict = await Promise.race([c.run(ctx).catch((e: unknown) => verdictOf(e, c)), timedOut]);
  } finally {
    clearTimeout(timer);
    if (!abort.signal.aborted) abort.abort(new Error("case finished"));
  }
  const durationMs = Math.round(performance.now() - start);
  if (verdict.outcome === "unsupported") return { case: meta, outcome: "unsupported", durationMs, reason: verdict.reason };
  const runs = verdict.runs ?? (c.property ? options.runs : 1);
  if (verdict.outcome === "pass") return { case: meta, outcome: "pass", durationMs, runs };
  const seed = verdict.seed ?? options.seed;
  // A failure names a requirement its case cites [CONF-11]; anything else is the case's bug, said plainly.
  if (!c.cites.includes(verdict.requirement)) verdict = { ...verdict, requirement: c.cites[0]!, actual: `${verdict.actual} (breaks ${verdict.requirement}, which the case does not cite)` };
  const counterexample = verdict.counterexample ?? trace.snapshot();
  const failure: RecordedFailure = {
    requirement: verdict.requirement,
    expected: verdict.expected,
    actual: verdict.actual,
    seed,
    path: verdict.path,
    replay: options.replay(meta, { seed, path: verdict.path }),
    counterexample: counterexample.steps.length + counterexample.messages.length > 0 ? counterexample : undefined,
  };
  return { case: meta, outcome: "fail", durationMs, runs, failure };
}

/** A case that threw: its failure, its unsupported reason, or an error the case did not expect. */
function verdictOf(e: unknown, c: Case<unknown>): Verdict {
  if (e instanceof CaseFailure) return { outcome: "fail", ...e.failure };
  if (e instanceof CaseUnsupported) return { outcome: "unsupported", reason: e.reason };
  if (e instanceof TargetUnreachable) throw e;
  const message = e instanceof Error ? e.message : String(e);
  return { outcome: "fail", requirement: c.cites[0]!, expected: "the scenario to run to its end", actual: `it stopped: ${message}` };
}
