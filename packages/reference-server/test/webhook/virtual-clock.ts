/**
 * A virtual clock for the dispatcher's unit tests: `sleep` registers a timer
 * that fires only when the test advances time, so timeouts and backoff run
 * instantly and the same way on every machine.
 */
import type { Clock } from "../../src/webhook/clock.js";

interface Timer {
  at: number;
  order: number;
  resolve: () => void;
}

export class VirtualClock implements Clock {
  now: number;
  #timers: Timer[] = [];
  #order = 0;

  constructor(startMs = 1_700_000_000_000) {
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        resolve();
      };
      const timer: Timer = {
        at: this.now + Math.max(0, ms),
        order: this.#order++,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      this.#timers.push(timer);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Advances to the earliest timer and fires it; false when none is pending. */
  fireNext(): boolean {
    this.#timers.sort((a, b) => a.at - b.at || a.order - b.order);
    const next = this.#timers.shift();
    if (!next) return false;
    this.now = Math.max(this.now, next.at);
    next.resolve();
    return true;
  }
}

/** Lets promise callbacks and immediates run until nothing is left to do now. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Fires timers one by one until `done()` holds; fails if it never does. */
export async function drive(clock: VirtualClock, done: () => boolean, maxTimers = 10_000): Promise<void> {
  for (let fired = 0; ; fired++) {
    await settle();
    if (done()) return;
    if (fired >= maxTimers) throw new Error(`not done after ${maxTimers} timers`);
    if (!clock.fireNext()) throw new Error("stuck: not done and no timer pending");
  }
}
