/**
 * The accountings a sender holds: ranges it will never deliver (expired,
 * dropped), kept and resent until an acknowledgement covers them, exactly
 * like events [ACK-9] [ACK-11]. Part of StreamSender, apart because ranges
 * and their send batches are a concept of their own.
 *
 * Each send is a batch with a send order shared with the stream's events,
 * so the loss rule is the same for both: a batch is resent when an ack
 * covers something sent after it but not the batch (see StreamSender).
 */
import type { AccountedRange, Range, Reason } from "../message.js";
import { AccountedRanges } from "./accounted-ranges.js";
import { RangeSet } from "./ranges.js";

interface Batch {
  /** What of the batch is still unacknowledged. */
  set: RangeSet;
  order: number;
  at: number;
}

export class AccountingCustody {
  #held = new AccountedRanges();
  #batches: Batch[] = [];
  /** Hop-acked on an end-to-end stream: held for the end-to-end ack, not resent [ACK-14]. */
  #downstream = new RangeSet();

  get isEmpty(): boolean {
    return this.#held.isEmpty;
  }

  has(seq: bigint): boolean {
    return this.#held.has(seq);
  }

  add(first: bigint, last: bigint, reason: Reason): AccountedRange[] {
    return this.#held.add(first, last, reason);
  }

  toArray(): AccountedRange[] {
    return this.#held.toArray();
  }

  /** Held ranges not sent on this connection (nor held downstream). */
  unsent(): AccountedRange[] {
    const out = new RangeSet().addAll(this.#downstream);
    for (const b of this.#batches) out.addAll(b.set);
    return this.#held.toArray().flatMap((r) => out.gaps(r.first, r.last).map((g) => ({ ...g, reason: r.reason })));
  }

  markSent(ranges: Range[], order: number, at: number): void {
    if (ranges.length > 0) this.#batches.push({ set: RangeSet.of(ranges), order, at });
  }

  /**
   * An ack covering `covered`: frees what it covers (`frees`), or holds it
   * downstream. Adds what left custody to `freed`; returns the latest send
   * order among the batches it covered (-1 if none).
   */
  handleAck(covered: RangeSet, frees: boolean, freed: RangeSet): number {
    let acked = -1;
    const held = this.#held.union();
    for (const r of covered) {
      for (const part of held.within(r.first, r.last)) {
        if (frees) {
          this.#held.remove(part.first, part.last);
          this.#downstream.remove(part.first, part.last);
          freed.add(part.first, part.last);
        } else {
          this.#downstream.add(part.first, part.last);
        }
      }
      for (const b of this.#batches) {
        if (b.set.overlaps(r.first, r.last)) acked = Math.max(acked, b.order);
        b.set.remove(r.first, r.last);
      }
    }
    this.#batches = this.#batches.filter((b) => !b.set.isEmpty);
    return acked;
  }

  /** Batches sent before `order` that the ack did not cover are lost: send them again. */
  resendSentBefore(order: number): void {
    this.#batches = this.#batches.filter((b) => b.order >= order);
  }

  /** Batches unacked for `rto` ms are sent again. */
  handleTimeout(now: number, rto: number): void {
    this.#batches = this.#batches.filter((b) => b.at + rto > now);
  }

  /** When the oldest unacked batch times out. */
  timeout(rto: number): number | undefined {
    return this.#batches.length === 0 ? undefined : Math.min(...this.#batches.map((b) => b.at + rto));
  }

  /** A new connection: nothing was sent on it yet. */
  resume(): void {
    this.#batches = [];
    this.#downstream = new RangeSet();
  }
}
