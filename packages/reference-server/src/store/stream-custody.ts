/**
 * The server's custody of one (device, epoch, stream), in memory for the
 * length of one ingest transaction: next_seq and the covered ranges above it,
 * each received (an event held) or accounted with a reason [ACK-3] [ACK-4].
 * This is the receiver's bookkeeping of spec section 4.2.2.
 *
 * Invariant: ranges ascend, are disjoint, and two adjacent ranges never have
 * the same kind (received, or the same reason), so the ranges are exactly the
 * maximal runs the StreamAck reports [ACK-6] [ACK-9]. After `advance` no
 * range starts at next_seq.
 */
import type { AccountedRange, Range, Reason, StreamAck } from "@ferry/protocol";
import { MAX_SEQ } from "./seq.js";

/** A covered range above next_seq: received when `reason` is undefined. */
export interface CoveredRange {
  first: bigint;
  last: bigint;
  reason?: Reason;
}

/** How a sequence number is covered: under next_seq, held above it, or accounted above it. */
export type Cover = "below" | "received" | Reason | undefined;

export class StreamCustody {
  #nextSeq: bigint;
  #ranges: CoveredRange[];
  #changed = false;

  constructor(nextSeq: bigint, ranges: CoveredRange[]) {
    this.#nextSeq = nextSeq;
    this.#ranges = ranges.map((r) => ({ ...r }));
  }

  get nextSeq(): bigint {
    return this.#nextSeq;
  }

  get ranges(): readonly CoveredRange[] {
    return this.#ranges;
  }

  /** True once anything changed since construction (the row needs writing back). */
  get changed(): boolean {
    return this.#changed;
  }

  coverOf(seq: bigint): Cover {
    if (seq < this.#nextSeq) return "below";
    const r = this.#ranges[this.#firstAfter(seq) - 1];
    if (r === undefined || r.last < seq) return undefined;
    return r.reason ?? "received";
  }

  /** Covers `seq` as received; the caller checked it was not covered [ACK-7]. */
  addEvent(seq: bigint): void {
    this.#insert(seq, seq, undefined);
  }

  /**
   * Covers the parts of [first, last] not covered yet as accounted with
   * `reason`, and returns them; covered numbers stay as they are, so an
   * event already held stays held [ACK-11]. 2^64-1 is never assigned [ID-5],
   * so a range reaching it is cut at 2^64-2 and next_seq stays a uint64.
   */
  addAccounting(first: bigint, last: bigint, reason: Reason): AccountedRange[] {
    const lo = first > this.#nextSeq ? first : this.#nextSeq;
    const hi = last < MAX_SEQ ? last : MAX_SEQ;
    if (lo > hi) return [];
    const fresh: Range[] = [];
    let at = lo;
    for (let i = this.#firstAfter(lo) - 1; i < this.#ranges.length && at <= hi; i++) {
      const r = this.#ranges[i];
      if (r === undefined || r.last < at) continue;
      if (r.first > hi) break;
      if (r.first > at) fresh.push({ first: at, last: r.first - 1n });
      at = r.last + 1n;
    }
    if (at <= hi) fresh.push({ first: at, last: hi });
    for (const f of fresh) this.#insert(f.first, f.last, reason);
    return fresh.map((f) => ({ ...f, reason }));
  }

  /** Moves next_seq over every range that starts at it; returns those ranges in order [ACK-4]. */
  advance(): CoveredRange[] {
    const passed: CoveredRange[] = [];
    while (this.#ranges[0] !== undefined && this.#ranges[0].first === this.#nextSeq) {
      const r = this.#ranges.shift()!;
      this.#nextSeq = r.last + 1n;
      passed.push(r);
    }
    if (passed.length > 0) this.#changed = true;
    return passed;
  }

  toStreamAck(stream: number, epoch: number): StreamAck {
    const received: Range[] = [];
    const accounted: AccountedRange[] = [];
    for (const r of this.#ranges) {
      if (r.reason === undefined) received.push({ first: r.first, last: r.last });
      else accounted.push({ first: r.first, last: r.last, reason: r.reason });
    }
    return { stream, epoch, nextSeq: this.#nextSeq, received, accounted };
  }

  /** Inserts an uncovered [first, last], merging with neighbours of the same kind. */
  #insert(first: bigint, last: bigint, reason: Reason | undefined): void {
    const i = this.#firstAfter(first);
    const prev = this.#ranges[i - 1];
    const next = this.#ranges[i];
    const joinPrev = prev !== undefined && prev.reason === reason && prev.last + 1n === first;
    const joinNext = next !== undefined && next.reason === reason && next.first === last + 1n;
    if (joinPrev && joinNext) {
      prev.last = next.last;
      this.#ranges.splice(i, 1);
    } else if (joinPrev) prev.last = last;
    else if (joinNext) next.first = first;
    else this.#ranges.splice(i, 0, reason === undefined ? { first, last } : { first, last, reason });
    this.#changed = true;
  }

  /** Index of the first range whose first is above `seq` (binary search). */
  #firstAfter(seq: bigint): number {
    let lo = 0;
    let hi = this.#ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#ranges[mid]!.first <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
