/**
 * Time for the lifecycle, injected: the simulator's virtual clock and timer
 * queue in tests and simulations, the process's monotonic clock and
 * setTimeout in the real app. Nothing in src/lifecycle reads a clock or
 * sets a timer otherwise.
 */

export interface Timers {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Runs `run` at time `at` (at once if it is past); returns a function that cancels it. */
  at(at: number, run: () => void): () => void;
}

/** The part of @ferry/protocol/sim's Scheduler the lifecycle needs. */
export interface SchedulerLike<T> {
  readonly clock: { readonly now: number };
  at(at: number, run: () => void, label?: string): T;
  cancel(task: T): void;
}

/** Timers driven by the simulator's virtual clock: a deadline fires when the simulation reaches it. */
export function schedulerTimers<T>(scheduler: SchedulerLike<T>, label = "lifecycle"): Timers {
  return {
    now: () => scheduler.clock.now,
    at: (at, run) => {
      const task = scheduler.at(at, run, label);
      return () => scheduler.cancel(task);
    },
  };
}

/** setTimeout fires at once past this delay, so longer waits are taken in steps. */
const MAX_DELAY = 0x7fffffff;

/** Real time: performance.now and setTimeout. */
export function systemTimers(): Timers {
  return {
    now: () => performance.now(),
    at: (at, run) => {
      let t: ReturnType<typeof setTimeout>;
      const arm = () => {
        const delay = Math.max(0, at - performance.now());
        t = setTimeout(delay > MAX_DELAY ? arm : run, Math.min(delay, MAX_DELAY));
      };
      arm();
      return () => clearTimeout(t);
    },
  };
}
