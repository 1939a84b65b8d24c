/**
 * Sequence ranges accounted without delivery, each with its reason [ACK-9].
 *
 * A number has at most one reason: the first statement about it wins, since
 * whoever accounted it first is the hop that decided its fate, and later
 * statements (a retransmitted Accounting, another hop's view) repeat it.
 */
import type { AccountedRange, Range, Reason } from "../message.js";
import { RangeSet } from "./ranges.js";

const REASONS: readonly Reason[] = ["expired", "overflow", "rejected", "lost"];

export class AccountedRanges {
  readonly #by = new Map<Reason, RangeSet>(REASONS.map((r) => [r, new RangeSet()]));

  static of(ranges: Iterable<AccountedRange>): AccountedRanges {
    const a = new AccountedRanges();
    for (const r of ranges) a.add(r.first, r.last, r.reason);
    return a;
  }

  get isEmpty(): boolean {
    return REASONS.every((r) => this.#set(r).isEmpty);
  }

  has(seq: bigint): boolean {
    return this.reasonOf(seq) !== undefined;
  }

  reasonOf(seq: bigint): Reason | undefined {
    return REASONS.find((r) => this.#set(r).has(seq));
  }

  /** The accounted range holding `seq` (one reason, so one range). */
  rangeOf(seq: bigint): AccountedRange | undefined {
    for (const reason of REASONS) {
      const r = this.#set(reason).rangeOf(seq);
      if (r) return { ...r, reason };
    }
    return undefined;
  }

  /** Adds the parts of [first, last] not accounted yet, with `reason`; returns what was added. */
  add(first: bigint, last: bigint, reason: Reason): AccountedRange[] {
    const fresh = this.union().gaps(first, last);
    this.#set(reason).addAll(fresh);
    return fresh.map((r) => ({ ...r, reason }));
  }

  remove(first: bigint, last: bigint = first): this {
    for (const r of REASONS) this.#set(r).remove(first, last);
    return this;
  }

  removeAll(ranges: Iterable<Range>): this {
    for (const r of ranges) this.remove(r.first, r.last);
    return this;
  }

  removeBelow(point: bigint): this {
    for (const r of REASONS) this.#set(r).removeBelow(point);
    return this;
  }

  /** Every accounted number, whatever its reason. */
  union(): RangeSet {
    const u = new RangeSet();
    for (const r of REASONS) u.addAll(this.#set(r));
    return u;
  }

  /** The accounted parts of [first, last], ascending. */
  within(first: bigint, last: bigint): AccountedRange[] {
    const out = REASONS.flatMap((reason) => this.#set(reason).within(first, last).map((r) => ({ ...r, reason })));
    return out.sort((a, b) => (a.first < b.first ? -1 : 1));
  }

  /** The accounted parts strictly above `point`, ascending. */
  above(point: bigint): AccountedRange[] {
    const max = this.union().max;
    return max === undefined || max <= point ? [] : this.within(point + 1n, max);
  }

  /** Every range, ascending by first. */
  toArray(): AccountedRange[] {
    const u = this.union();
    return u.isEmpty ? [] : this.within(u.min!, u.max!);
  }

  #set(reason: Reason): RangeSet {
    return this.#by.get(reason)!;
  }
}
