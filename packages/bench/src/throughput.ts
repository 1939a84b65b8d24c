/**
 * Operations per second of a synchronous function: calibrated so one run
 * lasts about `runMs`, then timed over that many calls. The result of every
 * call is folded into a sink so the engine cannot drop the work as dead code.
 */
import { nowMs } from "./stats.js";

let sink = 0;

/** Keeps a value alive; returns a number that depends on every call. */
export function consume(v: unknown): void {
  if (v instanceof Uint8Array) sink = (sink + v.length) | 0;
  else if (typeof v === "string") sink = (sink + v.length) | 0;
  else sink = (sink + (v === undefined || v === null ? 0 : 1)) | 0;
}

export function sinkValue(): number {
  return sink;
}

/**
 * Calls of `op` that take about `runMs` (at least 1), found by doubling,
 * after a warm-up of `runMs` (and at least 100 calls): lazy set-up on the
 * first call (a schema compiled, code optimized) is not the cost of a call.
 */
export function calibrate(op: () => unknown, runMs: number): number {
  const warmUntil = nowMs() + runMs;
  for (let calls = 0; calls < 100 || nowMs() < warmUntil; calls++) consume(op());
  let n = 1;
  for (;;) {
    const t0 = nowMs();
    for (let i = 0; i < n; i++) consume(op());
    const elapsed = nowMs() - t0;
    if (elapsed >= runMs / 4 || n >= 1 << 24) return Math.max(1, Math.round((n * runMs) / Math.max(elapsed, 1e-3)));
    n *= 2;
  }
}

/** One run: `calls` calls of `op`, as operations per second. */
export function opsPerSecond(op: () => unknown, calls: number): number {
  const t0 = nowMs();
  for (let i = 0; i < calls; i++) consume(op());
  const elapsed = nowMs() - t0;
  return (calls * 1000) / Math.max(elapsed, 1e-3);
}
