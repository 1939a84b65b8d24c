/**
 * Conformance speed: simulated cases per second for each role's suite.
 *
 * The suites themselves belong to @ferry/conformance (being built); this
 * module only times what it is given: a list of suites, each a list of
 * named case functions. A run executes every case of a suite once, in
 * order; the figure is cases per second, median of the runs. A case that
 * throws or returns a failing verdict still counts as executed (its time is
 * spent) and is reported in `failures`, so a fast figure cannot hide a
 * broken suite. With no suite
 * given, the section says "not measured" and carries no number.
 */
import { nowMs, repeat, summarize, type Stat } from "../stats.js";

export type ConformanceRole = "device" | "app" | "server";

export interface SimulatedCase {
  name: string;
  /** Runs the case once; a throw or a verdict { outcome: "fail" } counts as a failed execution. */
  run: () => unknown;
}

const isFailVerdict = (v: unknown): boolean => typeof v === "object" && v !== null && (v as { outcome?: unknown }).outcome === "fail";

export interface SimulatedSuite {
  role: ConformanceRole;
  name: string;
  cases: SimulatedCase[];
}

export interface ConformanceFigure {
  role: ConformanceRole;
  suite: string;
  cases: number;
  casesPerSecond: Stat;
  /** Case executions that threw, over all runs. */
  failures: number;
}

export type ConformanceSection = { status: "measured"; figures: ConformanceFigure[] } | { status: "not measured"; reason: string; figures: [] };

export const NOT_WIRED = "no simulated conformance suite is wired into the bench yet (packages/bench/src/conformance/suites.ts)";

export async function benchConformance(suites: readonly SimulatedSuite[] | undefined, o: { runs: number; warmup: number }): Promise<ConformanceSection> {
  const usable = (suites ?? []).filter((s) => s.cases.length > 0);
  if (usable.length === 0) return { status: "not measured", reason: suites && suites.length > 0 ? "the simulated suites given hold no cases" : NOT_WIRED, figures: [] };
  const figures: ConformanceFigure[] = [];
  for (const suite of usable) {
    let failures = 0;
    const samples = await repeat(
      o.runs,
      async (run) => {
        const t0 = nowMs();
        for (const c of suite.cases) {
          let failed: boolean;
          try {
            failed = isFailVerdict(await c.run());
          } catch {
            failed = true;
          }
          if (failed && run >= 0) failures++;
        }
        return (suite.cases.length * 1000) / Math.max(nowMs() - t0, 1e-3);
      },
      o.warmup,
    );
    figures.push({ role: suite.role, suite: suite.name, cases: suite.cases.length, casesPerSecond: summarize(samples, "cases/s"), failures });
  }
  return { status: "measured", figures };
}
