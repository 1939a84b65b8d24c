/**
 * The one real timer of the host build: it calls the device's poll() when
 * pollAt() says, and is re-armed after every input. The clock is monotonic
 * milliseconds since start [PRIO-8].
 */
import { performance } from "node:perf_hooks";

export interface Pollable {
  poll(now: number): void;
  pollAt(): number | undefined;
}

export function monotonicClock(): () => number {
  const t0 = performance.now();
  return () => performance.now() - t0;
}

export class Ticker {
  readonly #target: Pollable;
  readonly #clock: () => number;
  #timer: NodeJS.Timeout | undefined;
  #at: number | undefined;
  #stopped = false;

  constructor(target: Pollable, clock: () => number) {
    this.#target = target;
    this.#clock = clock;
  }

  /** Re-arm after an input: the next deadline may have moved. */
  schedule(): void {
    if (this.#stopped) return;
    const at = this.#target.pollAt();
    if (at === this.#at && this.#timer) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#at = at;
    if (at === undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#at = undefined;
      this.#target.poll(this.#clock());
      this.schedule();
    }, Math.max(0, Math.ceil(at - this.#clock())));
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
  }
}
