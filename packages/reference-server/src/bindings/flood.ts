/**
 * Per-connection flood limit [WS-9] (chapter 11.5): messages, Ping frames
 * included, and bytes per fixed interval. Each fixed interval is itself a
 * window of that length, so a limit of at least 1,000 messages per 10 s
 * never touches a peer that keeps to the floor of [WS-9].
 */
import type { FloodLimit } from "../config.js";

export class FloodMeter {
  readonly #limit: FloodLimit;
  #start: number;
  #messages = 0;
  #bytes = 0;

  constructor(limit: FloodLimit, now: number) {
    this.#limit = limit;
    this.#start = now;
  }

  /** Counts one message of `bytes`; false once the connection went past its limit. */
  take(bytes: number, now: number): boolean {
    if (now - this.#start >= this.#limit.intervalMs) {
      this.#start = now;
      this.#messages = 0;
      this.#bytes = 0;
    }
    this.#messages++;
    this.#bytes += bytes;
    return this.#messages <= this.#limit.messages && this.#bytes <= this.#limit.bytes;
  }
}
