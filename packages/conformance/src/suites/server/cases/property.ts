/**
 * SRV-PROP-01: the server's custody under generated app behaviour. fast-check
 * draws scenarios (sends, duplicates, reorderings, gaps, conflicts, drops,
 * fresh and resumed reconnections) from the run's seed; each is applied to
 * the server and checked against the app's model (scenario.ts). A failure
 * is shrunk to a minimal scenario and reported with its seed and path.
 *
 * The scenario is a plain array of steps run by our own interpreter rather
 * than fc.commands: fc.commands needs its replayPath besides seed and path
 * to replay a shrunk run, while an array replays from seed and path alone,
 * which is what the report's `path` carries [CONF-12].
 */
import fc from "fast-check";
import { CaseFailure, fail, pass, type Case, type Counterexample } from "../../../runner/case.js";
import type { ServerTarget } from "../../../targets/server-target.js";
import { freshEpoch } from "../messages.js";
import { Scenario, STREAMS, type Step } from "../scenario.js";

const MAX_STEPS = 14;
/** After the first failure, shrinking stops once this share of the case's budget is spent; the smallest failure so far is reported. */
const SHRINK_SHARE = 0.5;

const stream = fc.constantFrom(...STREAMS);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("send" as const), stream, n: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("resend" as const), stream, at: fc.nat({ max: 31 }), n: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("reorder" as const), stream, n: fc.integer({ min: 2, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("gap" as const), stream, n: fc.integer({ min: 2, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("fill" as const), stream }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("conflict" as const), stream, at: fc.nat({ max: 31 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("drop" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("close" as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("reconnect" as const), resume: fc.boolean() }) },
);
export const scenarios = fc.array(step, { maxLength: MAX_STEPS });

export const SRV_PROP_01: Case<ServerTarget> = {
  id: "SRV-PROP-01",
  title: "Generated sends, duplicates, reorderings, gaps, conflicts, drops and resumes: no loss, no duplicate, acks monotonic",
  cites: ["CONF-3", "CONF-4", "CONF-5", "ACK-3", "ACK-5", "ACK-8", "HS-8", "LIFE-11"],
  level: "MUST",
  role: "server",
  property: true,
  needs: { bindings: ["websocket"] },
  async run(ctx) {
    let failedAt: number | undefined;
    let smallest: Counterexample | undefined;
    let executed = 0;
    const budget = ctx.timeoutMs * SHRINK_SHARE;
    const property = fc.asyncProperty(scenarios, async (steps) => {
      // Shrinking against a real server is slow: past its budget, stop looking for smaller failures.
      if (failedAt !== undefined && ctx.path === undefined && performance.now() - failedAt > budget) return;
      if (ctx.signal.aborted) return;
      executed++;
      if (failedAt === undefined && executed % 25 === 0) ctx.progress(`run ${executed}/${ctx.runs}`);
      ctx.trace.reset();
      const scenario = new Scenario(ctx, freshEpoch());
      try {
        await scenario.start();
        for (const s of steps) await scenario.apply(s);
        await scenario.settle();
      } catch (e) {
        if (failedAt === undefined) {
          failedAt = performance.now();
          ctx.progress(`failed at run ${executed}; shrinking`);
        }
        smallest = ctx.trace.snapshot();
        throw e;
      } finally {
        await scenario.dispose();
      }
    });
    const details = await fc.check(property, {
      seed: ctx.seed,
      numRuns: ctx.runs,
      ...(ctx.path !== undefined && { path: ctx.path }),
    });
    if (!details.failed) return pass(details.numRuns);
    const error = details.errorInstance;
    const base = error instanceof CaseFailure ? error.failure : { requirement: "CONF-3", expected: "the scenario to run to its end", actual: `it stopped: ${(error as Error)?.message ?? String(error)}` };
    return fail({ ...base, seed: details.seed, ...(details.counterexamplePath && { path: details.counterexamplePath }), ...(smallest && { counterexample: smallest }) }, details.numRuns);
  },
};
