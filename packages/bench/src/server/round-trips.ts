/**
 * Counts round trips on a WebSocket session as the longest chain of "the
 * client sends, then waits for the server's answer before sending more".
 * It wraps the app's outbox (a LegSource) and tags every message the leg
 * takes from it with a generation: the first flight (sent with the Hello,
 * before any answer [HS-10]) is generation 1; whatever the client sends
 * after the Welcome or an Ack that covers generation g belongs to g + 1.
 * The drain's round trips are the highest generation: the Ack that empties
 * the outbox answers it.
 */
import { covers, keyOf, type LegSource, type SendLimits } from "@ferry/reference-client";
import type { Message, Range, Scope, StreamAck, StreamKey } from "@ferry/protocol";

interface Handed {
  key: string;
  last: bigint;
  generation: number;
  answered: boolean;
}

export class RoundTripCounter implements LegSource {
  readonly #inner: LegSource;
  #handed: Handed[] = [];
  #generation = 1;
  #highest = 0;

  constructor(inner: LegSource) {
    this.#inner = inner;
  }

  /** Round trips of the longest send-then-wait chain so far. */
  get roundTrips(): number {
    return this.#highest;
  }

  /** The Welcome answers the Hello and first flight: what follows it is generation 2 at least. */
  welcomed(): void {
    this.#generation = Math.max(this.#generation, 2);
  }

  pending(): StreamKey[] {
    return this.#inner.pending();
  }

  rewind(): void {
    this.#inner.rewind();
  }

  next(limits: SendLimits, now: number): Message | undefined {
    const m = this.#inner.next(limits, now);
    if (m?.type === "events") {
      const e = m.events;
      this.#handed.push({ key: keyOf(e), last: e.firstSeq + BigInt(e.payloads.length - 1), generation: this.#generation, answered: false });
      this.#highest = Math.max(this.#highest, this.#generation);
    }
    return m;
  }

  requeue(key: StreamKey, ranges: Range[]): void {
    this.#inner.requeue(key, ranges);
  }

  acknowledge(custody: StreamAck[], scope: Scope, now: number): void | Promise<void> {
    for (const sa of custody) {
      const key = keyOf(sa);
      for (const h of this.#handed) {
        if (h.answered || h.key !== key || !covers(sa, h.last)) continue;
        h.answered = true;
        this.#generation = Math.max(this.#generation, h.generation + 1);
      }
    }
    this.#handed = this.#handed.filter((h) => !h.answered);
    return this.#inner.acknowledge(custody, scope, now);
  }
}
