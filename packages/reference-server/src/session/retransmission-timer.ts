/**
 * The retransmission timer of [ACK-18], for what the server sends under
 * custody: commands [CMD-7] [CMD-14]. Sans-IO: the caller says when it sent
 * something and when an acknowledgement covered something new, passing its
 * monotonic clock, and asks at each tick whether the timer expired.
 *
 * Started when an item is sent with nothing in flight; restarted whenever an
 * acknowledgement covers something new (stopped when nothing is left in
 * flight). On expiry: resend everything in flight and double the timeout (up
 * to the maximum); the third expiry in a row without progress gives up, and
 * the connection closes so that the peer resumes on a new one [ACK-16].
 */

export interface RetransmissionPolicy {
  /** First timeout: 10 s on WebSocket, 5 s on GATT [ACK-18]. */
  initialMs: number;
  maxMs: number;
  /** Expiries in a row without progress that end the connection. */
  expiries: number;
}

/** [ACK-18] on the WebSocket binding. */
export const WEBSOCKET_RETRANSMISSION: RetransmissionPolicy = Object.freeze({ initialMs: 10_000, maxMs: 60_000, expiries: 3 });

export type Expiry = "resend" | "give-up";

export class RetransmissionTimer {
  readonly #policy: RetransmissionPolicy;
  #timeoutMs: number;
  #deadline: number | undefined;
  #expiries = 0;

  constructor(policy: RetransmissionPolicy = WEBSOCKET_RETRANSMISSION) {
    if (!(policy.initialMs > 0) || policy.maxMs < policy.initialMs || !(policy.expiries >= 1)) {
      throw new RangeError(`retransmission policy ${JSON.stringify(policy)}`);
    }
    this.#policy = policy;
    this.#timeoutMs = policy.initialMs;
  }

  /** When the timer fires next (monotonic ms); undefined while nothing is in flight. */
  get deadline(): number | undefined {
    return this.#deadline;
  }

  /** Expiries in a row since the last progress. */
  get expiries(): number {
    return this.#expiries;
  }

  /** An item was sent; `now` on the monotonic clock. Starts the timer if none runs. */
  sent(now: number): void {
    this.#deadline ??= now + this.#timeoutMs;
  }

  /** An acknowledgement covered something new: back to the initial timeout, restarted or stopped. */
  progress(now: number, stillInFlight: boolean): void {
    this.#expiries = 0;
    this.#timeoutMs = this.#policy.initialMs;
    this.#deadline = stillInFlight ? now + this.#timeoutMs : undefined;
  }

  /** Nothing is in flight any more (for example, settled elsewhere): no timer runs. */
  stop(): void {
    this.#deadline = undefined;
  }

  /** What to do at `now`: nothing, resend everything in flight, or give up. */
  poll(now: number): Expiry | undefined {
    if (this.#deadline === undefined || now < this.#deadline) return undefined;
    this.#expiries++;
    if (this.#expiries >= this.#policy.expiries) {
      this.#deadline = undefined;
      return "give-up";
    }
    this.#timeoutMs = Math.min(this.#timeoutMs * 2, this.#policy.maxMs);
    this.#deadline = now + this.#timeoutMs;
    return "resend";
  }
}
