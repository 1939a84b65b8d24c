/**
 * Time as the webhook dispatcher sees it. Injected, so unit tests run on a
 * virtual clock and never depend on wall-clock speed; the server passes
 * `systemClock`.
 */
export interface Clock {
  /** Wall clock, ms since the Unix epoch: signature timestamps and expiry. */
  nowMs(): number;
  /**
   * Resolves after `ms`, or early (and without throwing) once `signal`
   * aborts, so a stopping dispatcher never waits out a backoff.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener("abort", done, { once: true });
    }),
};
