/**
 * A set of sequence numbers kept as inclusive ranges: sorted, disjoint and
 * not adjacent, which is the form StreamAck.received takes on the wire
 * [ACK-6]. Every custody question (what is held, what an ack covers, what is
 * missing below the highest acked sequence) is a question about such sets.
 *
 * Ranges are bigint because sequences are uint64 [ID-5]. Operations are
 * linear in the number of ranges, which stays small: a receiver's gaps, not
 * its events.
 */
import type { Range } from "../message.js";

export class RangeSet implements Iterable<Range> {
  /** Invariant: first <= last, and r[i+1].first > r[i].last + 1. */
  #r: Range[] = [];

  static of(ranges: Iterable<Range>): RangeSet {
    return new RangeSet().addAll(ranges);
  }

  static span(first: bigint, last: bigint = first): RangeSet {
    return new RangeSet().add(first, last);
  }

  get isEmpty(): boolean {
    return this.#r.length === 0;
  }

  /** How many sequence numbers the set holds. */
  get size(): bigint {
    return this.#r.reduce((n, r) => n + r.last - r.first + 1n, 0n);
  }

  get min(): bigint | undefined {
    return this.#r[0]?.first;
  }

  get max(): bigint | undefined {
    return this.#r[this.#r.length - 1]?.last;
  }

  has(seq: bigint): boolean {
    return this.#find(seq) !== undefined;
  }

  /** The range holding `seq`, if any (a copy). */
  rangeOf(seq: bigint): Range | undefined {
    const r = this.#find(seq);
    return r && { first: r.first, last: r.last };
  }

  /** True when every number of [first, last] is in the set. */
  covers(first: bigint, last: bigint = first): boolean {
    const r = this.#find(first);
    return r !== undefined && r.last >= last;
  }

  /** True when some number of [first, last] is in the set. */
  overlaps(first: bigint, last: bigint = first): boolean {
    const i = this.#firstEndingAtOrAfter(first);
    const r = this.#r[i];
    return r !== undefined && r.first <= last;
  }

  add(first: bigint, last: bigint = first): this {
    if (last < first) throw new RangeError(`range ${first}..${last} has last < first`);
    // Ranges that touch or overlap [first, last] (adjacent ones too) merge into one.
    const i = this.#firstEndingAtOrAfter(first - 1n);
    let j = i;
    while (j < this.#r.length && this.#r[j]!.first <= last + 1n) j++;
    const lo = i < j && this.#r[i]!.first < first ? this.#r[i]!.first : first;
    const hi = i < j && this.#r[j - 1]!.last > last ? this.#r[j - 1]!.last : last;
    this.#r.splice(i, j - i, { first: lo, last: hi });
    return this;
  }

  addAll(ranges: Iterable<Range>): this {
    for (const r of ranges) this.add(r.first, r.last);
    return this;
  }

  remove(first: bigint, last: bigint = first): this {
    if (last < first) return this;
    const i = this.#firstEndingAtOrAfter(first);
    let j = i;
    while (j < this.#r.length && this.#r[j]!.first <= last) j++;
    if (i === j) return this;
    const keep: Range[] = [];
    const head = this.#r[i]!;
    const tail = this.#r[j - 1]!;
    if (head.first < first) keep.push({ first: head.first, last: first - 1n });
    if (tail.last > last) keep.push({ first: last + 1n, last: tail.last });
    this.#r.splice(i, j - i, ...keep);
    return this;
  }

  removeAll(ranges: Iterable<Range>): this {
    for (const r of ranges) this.remove(r.first, r.last);
    return this;
  }

  /** Forget every number below `point` (what a cumulative ack has settled). */
  removeBelow(point: bigint): this {
    const first = this.min;
    if (first !== undefined && first < point) this.remove(first, point - 1n);
    return this;
  }

  /** The smallest number >= `from` that is not in the set. */
  nextMissing(from: bigint): bigint {
    const r = this.#find(from);
    return r === undefined ? from : r.last + 1n;
  }

  /** The parts of the set within [first, last]. */
  within(first: bigint, last: bigint): Range[] {
    const out: Range[] = [];
    for (let i = this.#firstEndingAtOrAfter(first); i < this.#r.length; i++) {
      const r = this.#r[i]!;
      if (r.first > last) break;
      out.push({ first: r.first > first ? r.first : first, last: r.last < last ? r.last : last });
    }
    return out;
  }

  /** The parts of the set strictly above `point`. */
  above(point: bigint): Range[] {
    const max = this.max;
    return max === undefined || max <= point ? [] : this.within(point + 1n, max);
  }

  /** The parts of [first, last] that are not in the set. */
  gaps(first: bigint, last: bigint): Range[] {
    const out: Range[] = [];
    let at = first;
    for (const r of this.within(first, last)) {
      if (r.first > at) out.push({ first: at, last: r.first - 1n });
      at = r.last + 1n;
    }
    if (at <= last) out.push({ first: at, last });
    return out;
  }

  clone(): RangeSet {
    return RangeSet.of(this.#r);
  }

  equals(other: RangeSet): boolean {
    const a = this.toArray();
    const b = other.toArray();
    return a.length === b.length && a.every((r, i) => r.first === b[i]!.first && r.last === b[i]!.last);
  }

  /** Copies of the ranges, ascending. */
  toArray(): Range[] {
    return this.#r.map((r) => ({ first: r.first, last: r.last }));
  }

  [Symbol.iterator](): Iterator<Range> {
    return this.toArray()[Symbol.iterator]();
  }

  toString(): string {
    return `{${this.#r.map((r) => (r.first === r.last ? `${r.first}` : `${r.first}..${r.last}`)).join(", ")}}`;
  }

  #find(seq: bigint): Range | undefined {
    const r = this.#r[this.#firstEndingAtOrAfter(seq)];
    return r !== undefined && r.first <= seq ? r : undefined;
  }

  /** Index of the first range with last >= x (binary search), or length. */
  #firstEndingAtOrAfter(x: bigint): number {
    let lo = 0;
    let hi = this.#r.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#r[mid]!.last < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
