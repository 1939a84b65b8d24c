/**
 * The reassembler gives the same answer however the fragments are handed to
 * it. A fragment (one ATT value) is the unit of input, so what can vary is
 * the buffer it sits in (its own, a view into a larger one, a receive buffer
 * the driver reuses) and what else is going on (other reassemblers for other
 * characteristics, errors on them). None of it may change the output.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Fragmenter, Reassembler } from "../../src/fragment/index.js";
import { fragmentStream, mtuArb, reassemble, sduArb, type Outcome } from "./helpers.js";

const streamArb = fc.tuple(fc.array(sduArb(500), { minLength: 1, maxLength: 10 }), mtuArb);

/** Damages a stream a little (drop, duplicate or truncate a fragment) so errors are compared too. */
const damageArb = fc.option(fc.tuple(fc.constantFrom("drop", "dup", "cut"), fc.nat()), { nil: undefined });

function damage(frags: Uint8Array[], d: ["drop" | "dup" | "cut", number] | undefined): Uint8Array[] {
  if (d === undefined) return frags;
  const i = d[1] % frags.length;
  const out = [...frags];
  if (d[0] === "drop") out.splice(i, 1);
  if (d[0] === "dup") out.splice(i, 0, frags[i]!);
  if (d[0] === "cut") out[i] = frags[i]!.subarray(0, Math.max(1, frags[i]!.length >> 1));
  return out;
}

const names = (o: Outcome) => ({ sdus: o.sdus.map((s) => Buffer.from(s).toString("hex")), errors: o.errors });

describe("fragment delivery independence", () => {
  it("[FRAG] same result whether fragments are own buffers, views into one buffer, or a reused receive buffer", () => {
    fc.assert(
      fc.property(streamArb, damageArb, ([sdus, mtu], d) => {
        const frags = damage(fragmentStream(sdus, mtu).fragments, d);
        const own = reassemble(frags.map((f) => f.slice()));

        const joined = new Uint8Array(frags.reduce((n, f) => n + f.length + 7, 0));
        let at = 0;
        const views = frags.map((f) => {
          joined.set(f, at + 7);
          const v = joined.subarray(at + 7, at + 7 + f.length);
          at += f.length + 7;
          return v;
        });
        const viewed = reassemble(views);

        // A driver that reads every ATT value into the same buffer and scribbles on it afterwards.
        const scratch = new Uint8Array(517);
        const r = new Reassembler({ maxMessage: 16383 });
        const reused: Outcome = { sdus: [], errors: [] };
        for (const f of [...frags, undefined]) {
          const res = f === undefined ? r.end() : (scratch.set(f), r.push(scratch.subarray(0, f.length)));
          scratch.fill(0xa5);
          reused.sdus.push(...res.sdus);
          reused.errors.push(...res.errors.map((e) => e.errorName));
        }

        expect(names(viewed)).toEqual(names(own));
        expect(names(reused)).toEqual(names(own));
        if (d === undefined) expect(own.sdus).toEqual(sdus);
      }),
      { numRuns: 60 },
    );
  });

  it("[FRAG] delivered SDUs are copies: changing a fragment afterwards does not change them", () => {
    const sdu = Uint8Array.from({ length: 100 }, (_, i) => i);
    const frags = new Fragmenter().fragment(sdu, 23);
    const out = reassemble(frags);
    for (const f of frags) f.fill(0);
    expect(out.sdus).toEqual([sdu]);
    const one = Uint8Array.of(0x80, 1, 42);
    const [got] = new Reassembler().push(one).sdus;
    one[2] = 0;
    expect(got).toEqual(Uint8Array.of(42));
  });

  it("[FRAG] interleaving two reassemblers (two characteristics) never crosses their streams, even when one sees errors", () => {
    fc.assert(
      fc.property(streamArb, streamArb, damageArb, fc.array(fc.boolean(), { maxLength: 400 }), ([a, mtuA], [b, mtuB], d, picks) => {
        const fa = damage(fragmentStream(a, mtuA).fragments, d);
        const fb = fragmentStream(b, mtuB).fragments;
        const alone = reassemble(fa);

        const ra = new Reassembler({ maxMessage: 16383 });
        const rb = new Reassembler({ maxMessage: 16383 });
        const got: Record<"a" | "b", Outcome> = { a: { sdus: [], errors: [] }, b: { sdus: [], errors: [] } };
        const take = (k: "a" | "b", res: ReturnType<Reassembler["push"]>) => {
          got[k].sdus.push(...res.sdus);
          got[k].errors.push(...res.errors.map((e) => e.errorName));
        };
        let i = 0;
        let j = 0;
        let p = 0;
        while (i < fa.length || j < fb.length) {
          const fromA = j >= fb.length || (i < fa.length && (picks[p++ % Math.max(1, picks.length)] ?? true));
          if (fromA) take("a", ra.push(fa[i++]!));
          else take("b", rb.push(fb[j++]!));
        }
        take("a", ra.end());
        take("b", rb.end());

        expect(names(got.a)).toEqual(names(alone));
        expect(got.b.errors).toEqual([]);
        expect(got.b.sdus).toEqual(b);
      }),
      { numRuns: 60 },
    );
  });
});
