/**
 * RangeSet and AccountedRanges: the sets every custody decision is made of.
 * Checked against the plainest model there is, a Set of numbers over a small
 * universe, so every operation's edge cases (adjacent, touching 0, empty)
 * come up within 100 runs.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AccountedRanges } from "../../src/core/accounted-ranges.js";
import { RangeSet } from "../../src/core/ranges.js";
import type { Range } from "../../src/message.js";

const U = 48;
const seqArb = fc.bigInt({ min: 0n, max: BigInt(U - 1) });
const rangeArb = fc.tuple(seqArb, fc.bigInt({ min: 0n, max: 6n })).map(([first, len]) => ({ first, last: first + len }));
const opArb = fc.oneof(
  rangeArb.map((r) => ({ op: "add" as const, r })),
  rangeArb.map((r) => ({ op: "remove" as const, r })),
  seqArb.map((p) => ({ op: "removeBelow" as const, p })),
);

/** Sorted, disjoint, not adjacent, first <= last [ACK-6]. */
function wellFormed(rs: Range[]): boolean {
  return rs.every((r, i) => r.first <= r.last && (i === 0 || r.first > rs[i - 1]!.last + 1n));
}

function fromModel(model: Set<bigint>, lo: bigint, hi: bigint): bigint[] {
  const out: bigint[] = [];
  for (let s = lo; s <= hi; s++) if (model.has(s)) out.push(s);
  return out;
}

const expand = (rs: Range[]) => rs.flatMap((r) => Array.from({ length: Number(r.last - r.first + 1n) }, (_, i) => r.first + BigInt(i)));

describe("RangeSet", () => {
  it("[ACK-6] coalesces overlapping and adjacent ranges into ascending, disjoint, non-adjacent ones", () => {
    const s = new RangeSet().add(5n, 7n).add(1n).add(9n, 10n).add(8n).add(2n);
    expect(s.toArray()).toEqual([{ first: 1n, last: 2n }, { first: 5n, last: 10n }]);
    expect(s.size).toBe(8n);
    expect(s.toString()).toBe("{1..2, 5..10}");
  });

  it("[ACK-6] remove splits a range, removeBelow settles a prefix", () => {
    const s = RangeSet.span(0n, 20n).remove(5n, 6n).removeBelow(3n);
    expect(s.toArray()).toEqual([{ first: 3n, last: 4n }, { first: 7n, last: 20n }]);
    expect(s.nextMissing(3n)).toBe(5n);
    expect(s.nextMissing(5n)).toBe(5n);
    expect(s.gaps(0n, 22n)).toEqual([{ first: 0n, last: 2n }, { first: 5n, last: 6n }, { first: 21n, last: 22n }]);
    expect(s.above(10n)).toEqual([{ first: 11n, last: 20n }]);
  });

  it("[ID-5] handles the whole uint64 range", () => {
    const max = (1n << 64n) - 1n;
    const s = RangeSet.span(max - 1n, max).add(0n);
    expect(s.has(max)).toBe(true);
    expect(s.nextMissing(max - 1n)).toBe(max + 1n);
    expect(s.size).toBe(3n);
  });

  it("[ACK-6] every operation agrees with a set of numbers and keeps the wire form", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), seqArb, rangeArb, (ops, probe, window) => {
        const s = new RangeSet();
        const model = new Set<bigint>();
        for (const o of ops) {
          if (o.op === "add") {
            s.add(o.r.first, o.r.last);
            for (let x = o.r.first; x <= o.r.last; x++) model.add(x);
          } else if (o.op === "remove") {
            s.remove(o.r.first, o.r.last);
            for (let x = o.r.first; x <= o.r.last; x++) model.delete(x);
          } else {
            s.removeBelow(o.p);
            for (const x of [...model]) if (x < o.p) model.delete(x);
          }
          expect(wellFormed(s.toArray())).toBe(true);
        }
        const top = BigInt(U + 8);
        expect(expand(s.toArray())).toEqual(fromModel(model, 0n, top));
        expect(s.size).toBe(BigInt(model.size));
        expect(s.has(probe)).toBe(model.has(probe));
        let missing = probe;
        while (model.has(missing)) missing++;
        expect(s.nextMissing(probe)).toBe(missing);
        const { first, last } = window;
        expect(expand(s.within(first, last))).toEqual(fromModel(model, first, last));
        expect(expand(s.gaps(first, last))).toEqual(expand([{ first, last }]).filter((x) => !model.has(x)));
        expect(expand(s.above(probe))).toEqual(fromModel(model, probe + 1n, top));
        expect(s.covers(first, last)).toBe(expand([{ first, last }]).every((x) => model.has(x)));
        expect(s.overlaps(first, last)).toBe(expand([{ first, last }]).some((x) => model.has(x)));
        expect(RangeSet.of(s).equals(s)).toBe(true);
      }),
    );
  });
});

describe("AccountedRanges", () => {
  it("[ACK-9] keeps one reason per sequence: the first statement wins", () => {
    const a = new AccountedRanges();
    expect(a.add(3n, 6n, "expired")).toEqual([{ first: 3n, last: 6n, reason: "expired" }]);
    expect(a.add(5n, 9n, "overflow")).toEqual([{ first: 7n, last: 9n, reason: "overflow" }]);
    expect(a.toArray()).toEqual([
      { first: 3n, last: 6n, reason: "expired" },
      { first: 7n, last: 9n, reason: "overflow" },
    ]);
    expect(a.reasonOf(6n)).toBe("expired");
    expect(a.rangeOf(8n)).toEqual({ first: 7n, last: 9n, reason: "overflow" });
    expect(a.above(5n)).toEqual([
      { first: 6n, last: 6n, reason: "expired" },
      { first: 7n, last: 9n, reason: "overflow" },
    ]);
    a.removeBelow(8n);
    expect(a.toArray()).toEqual([{ first: 8n, last: 9n, reason: "overflow" }]);
  });
});
