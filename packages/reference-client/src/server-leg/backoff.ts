/**
 * Reconnect backoff with full jitter [HS-15] [WS-10] (spec 11.6):
 *
 *   delay(n) = r × min(cap, base × 2^n)      base 1 s, cap 60 s, r in [0, 1)
 *
 * n counts the failed attempts since the last Welcome. Pure: r is an input,
 * so a test (or a simulation) replays any sequence of delays.
 */

export interface BackoffParams {
  baseMs: number;
  capMs: number;
}

/** The spec's defaults (07 section 7.1.4, 11 section 11.6). */
export const RECONNECT_BACKOFF: Readonly<BackoffParams> = Object.freeze({ baseMs: 1_000, capMs: 60_000 });

/** [HS-15] The delay before attempt n+1, drawn from [0, min(cap, base × 2^n)). */
export function reconnectDelay(n: number, r: number, params: BackoffParams = RECONNECT_BACKOFF): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`attempt count ${n}`);
  if (!(r >= 0 && r < 1)) throw new RangeError(`random ${r} is not in [0, 1)`);
  // 2^n overflows nothing that matters: min() caps it long before.
  const ceiling = Math.min(params.capMs, params.baseMs * 2 ** Math.min(n, 52));
  return r * ceiling;
}

/**
 * What the close of a connection asks of the next attempt (11.3):
 * - "resume-soon": going away (1001), the server restarts: the first attempt draws from 0 to base.
 * - "backoff": any other failure, or a connection lost: the next delay of the sequence.
 * - "longest": 4010, 4020, 4021, 4030: nothing will change soon; draw from 0 to cap [WS-10].
 */
export type RetryAction = "resume-soon" | "backoff" | "longest";

/** The client's backoff state across attempts (and, on iOS, across wakes). */
export class ReconnectBackoff {
  #failures = 0;
  readonly params: BackoffParams;

  constructor(params: BackoffParams = RECONNECT_BACKOFF) {
    this.params = params;
  }

  /** Failed attempts since the last Welcome: the n of delay(n). */
  get failures(): number {
    return this.#failures;
  }

  /** A Welcome arrived: the sequence starts again [HS-15]. */
  welcomed(): void {
    this.#failures = 0;
  }

  /** The delay before the next attempt, after a connection ended with `action`. */
  next(action: RetryAction, r: number): number {
    if (action === "longest") {
      this.#failures++;
      return reconnectDelay(0, r, { baseMs: this.params.capMs, capMs: this.params.capMs });
    }
    if (action === "resume-soon") this.#failures = 0;
    return reconnectDelay(this.#failures++, r, this.params);
  }
}
