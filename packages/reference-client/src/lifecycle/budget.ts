/**
 * The time one run window gives the app: from the moment its code starts
 * running (launch, wake) until the OS stops it (suspension, termination,
 * force-quit, reboot). In the foreground it is unlimited; the background
 * grace and a BLE wake set a deadline [LIFE-9].
 *
 * `signal` aborts when the window ends, at the deadline to the tick of the
 * injected timers or at once on a transition that stops the code, so every
 * socket and every piece of work hung on it stops together. A deadline is
 * never scheduled for an unlimited window.
 */
import type { Timers } from "./timers.js";

/** [LIFE-9] No new exchange with less than this left. */
export const SAFETY_MARGIN_MS = 1000;

/** Why a run window ended: the abort reason of its signal. */
export class RunEnded extends Error {
  /** "deadline", or the lifecycle input that stopped the code. */
  readonly endedBy: string;
  /** On the timers' clock. */
  readonly at: number;

  constructor(endedBy: string, at: number) {
    super(endedBy === "deadline" ? `run window ended at its deadline (${at} ms)` : `run window ended by ${endedBy} at ${at} ms`);
    this.name = "RunEnded";
    this.endedBy = endedBy;
    this.at = at;
  }
}

export class Budget {
  readonly #timers: Timers;
  readonly #controller = new AbortController();
  readonly #onDeadline: () => void;
  #deadline: number;
  #cancel: (() => void) | undefined;
  /** When the window started, on the timers' clock. */
  readonly startedAt: number;

  /** `onDeadline` runs when the deadline is reached; it must end the window (the lifecycle suspends). */
  constructor(timers: Timers, deadline: number, onDeadline: () => void) {
    this.#timers = timers;
    this.#onDeadline = onDeadline;
    this.startedAt = timers.now();
    this.#deadline = deadline;
    this.#arm();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** When the window ends unless the state changes first; Infinity in the foreground. */
  get deadline(): number {
    return this.#deadline;
  }

  get ended(): boolean {
    return this.#controller.signal.aborted;
  }

  /** Milliseconds left: 0 once ended, Infinity when unlimited. */
  remaining(): number {
    return this.ended ? 0 : Math.max(0, this.#deadline - this.#timers.now());
  }

  /** [LIFE-9] The value for Hello.wake_budget_ms: what is left, 0 when unlimited. */
  wakeBudgetMs(): number {
    const left = this.remaining();
    return Number.isFinite(left) ? Math.min(Math.floor(left), 0xffffffff) : 0;
  }

  /** [LIFE-9] May a new exchange start: at least `marginMs` left. */
  mayStart(marginMs = SAFETY_MARGIN_MS): boolean {
    return !this.ended && this.remaining() >= marginMs;
  }

  /** The window continues in another running state with another deadline (launch lifts it, background sets one). */
  moveDeadline(deadline: number): void {
    if (this.ended) return;
    this.#cancel?.();
    this.#deadline = deadline;
    this.#arm();
  }

  /** Ends the window now: the signal aborts with `cause`. */
  end(cause: string): void {
    if (this.ended) return;
    this.#cancel?.();
    this.#cancel = undefined;
    this.#controller.abort(new RunEnded(cause, this.#timers.now()));
  }

  #arm(): void {
    this.#cancel = undefined;
    if (!Number.isFinite(this.#deadline)) return;
    this.#cancel = this.#timers.at(this.#deadline, () => {
      this.#cancel = undefined;
      this.#onDeadline();
      this.end("deadline"); // in case the owner did not end it
    });
  }
}
