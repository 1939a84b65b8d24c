/**
 * One (device, epoch, stream) in the app's outbox: the events and
 * accountings it holds until the server's custody covers them [ACK-1], and
 * the app's own custody of the stream, which covers what it holds and what
 * it forwarded and freed, for the device Hello [DHS-3].
 *
 * Custody grows only: `received` holds every sequence taken as an event
 * (held, forwarded, or accounted by the app itself), `accounted` the
 * accountings taken from the device for sequences not received [ACK-11].
 */
import { AccountedRanges, RangeSet, type AccountedRange, type Priority, type Range, type StreamAck, type StreamKey } from "@ferry/protocol";
import type { StoredEvent, StreamCounters } from "./records.js";

export interface HeldEvent extends StoredEvent {
  /** Order of custody across the outbox: smaller is older [PRIO-3] [PRIO-10]. */
  arrival: number;
  /** Handed to the leg on this connection [ACK-16]. */
  handed: boolean;
}

export interface HeldAccounting {
  range: AccountedRange;
  /** The app's own (expired or dropped here) rather than taken from the device. */
  own: boolean;
  handed: boolean;
}

export class OutboxStream {
  readonly key: StreamKey;
  readonly device: Uint8Array;
  readonly priority: Priority;
  /** Ascending by seq. */
  events: HeldEvent[] = [];
  accountings: HeldAccounting[] = [];
  readonly received = new RangeSet();
  readonly accounted = new AccountedRanges();
  readonly counters: StreamCounters = { taken: 0, forwarded: 0, expired: 0, dropped: 0 };
  /** Held events are in custody order too (each taken after the one before it in sequence). */
  #arrivalSorted = true;

  constructor(device: Uint8Array, key: StreamKey, priority: Priority) {
    this.device = device;
    this.key = { stream: key.stream, epoch: key.epoch };
    this.priority = priority;
  }

  get isEmpty(): boolean {
    return this.events.length === 0 && this.accountings.length === 0;
  }

  /** The app's custody covers `seq`: taken as an event or as an accounting. */
  covers(seq: bigint): boolean {
    return this.received.has(seq) || this.accounted.has(seq);
  }

  /** The parts of [first, last] the app's custody does not cover. */
  uncovered(first: bigint, last: bigint): Range[] {
    return this.received.clone().addAll(this.accounted.union()).gaps(first, last);
  }

  event(seq: bigint): HeldEvent | undefined {
    const i = this.#indexOf(seq);
    const e = this.events[i];
    return e?.seq === seq ? e : undefined;
  }

  /** Holds an event, in sequence order; false if one with that seq is held. */
  hold(e: HeldEvent): boolean {
    if (this.events.length === 0) this.#arrivalSorted = true;
    const last = this.events[this.events.length - 1];
    if (!last || last.seq < e.seq) return this.events.push(e) > 0;
    const i = this.#indexOf(e.seq);
    if (this.events[i]?.seq === e.seq) return false;
    this.events.splice(i, 0, e);
    this.#arrivalSorted = false; // an older sequence taken later
    return true;
  }

  /** The event taken into custody first [PRIO-10]: the first one, unless sequences came out of order. */
  oldest(): HeldEvent | undefined {
    if (this.#arrivalSorted) return this.events[0];
    let oldest = this.events[0];
    for (const e of this.events) if (e.arrival < oldest!.arrival) oldest = e;
    return oldest;
  }

  /** Removes the held events within `ranges`; returns how many. */
  release(ranges: readonly Range[]): number {
    let n = 0;
    for (const r of ranges) {
      const from = this.#indexOf(r.first);
      let to = from;
      while (to < this.events.length && this.events[to]!.seq <= r.last) to++;
      this.events.splice(from, to - from);
      n += to - from;
    }
    return n;
  }

  /**
   * The app's custody as a StreamAck [ACK-3] [ACK-4] [ACK-9], leaving out
   * what `pending` (taken, not yet durable) adds: never acknowledge what is
   * not durable [ACK-2].
   */
  custody(pending?: { received: RangeSet; accounted: RangeSet }): StreamAck {
    const received = this.received.clone();
    const accounted = AccountedRanges.of(this.accounted.toArray());
    if (pending) {
      received.removeAll(pending.received);
      accounted.removeAll(pending.accounted);
    }
    const nextSeq = received.clone().addAll(accounted.union()).nextMissing(0n);
    return { stream: this.key.stream, epoch: this.key.epoch, nextSeq, received: received.above(nextSeq - 1n), accounted: accounted.above(nextSeq - 1n) };
  }

  #indexOf(seq: bigint): number {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid]!.seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
