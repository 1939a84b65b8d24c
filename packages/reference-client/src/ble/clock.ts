/**
 * Time for the drivers: a monotonic `now` in milliseconds and one-shot
 * timers at an absolute time. The sans-IO machines only ever see `now`;
 * tests inject a manual clock, the app the system one.
 */
export interface Clock {
  now(): number;
  /** Calls `fire` once, at `at` or soon after; the returned function cancels it. */
  setTimer(at: number, fire: () => void): () => void;
}

/**
 * The process's monotonic clock. [PRIO-8] asks for one that keeps counting
 * while the host sleeps; on a phone that is the platform's continuous clock,
 * here `performance.now()`.
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(at, fire) {
    const t = setTimeout(fire, Math.max(0, at - performance.now()));
    return () => clearTimeout(t);
  },
};
