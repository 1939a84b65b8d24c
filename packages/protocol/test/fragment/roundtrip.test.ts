/**
 * Round trip [FRAG-1]: reassemble(fragment(x)) == x at every ATT MTU, at the
 * largest SDU, at the fragment-size boundaries, and over long streams whose
 * counters wrap past 127 while the MTU changes between SDUs.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Fragmenter, Reassembler, fragmentCount } from "../../src/fragment/index.js";
import { bytes, fragmentStream, mtuArb, reassemble, sduArb } from "./helpers.js";

/** Compares without vitest's deep-equal cost on large loops. */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

describe("fragment round trip", () => {
  it("[FRAG-1] reassemble(fragment(x)) == x for SDUs of 1..4096 bytes at every ATT MTU 23..517", () => {
    fc.assert(
      fc.property(sduArb(4096), (sdu) => {
        const f = new Fragmenter({ maxMessage: 4096 });
        const r = new Reassembler({ maxMessage: 4096 });
        for (let mtu = 23; mtu <= 517; mtu++) {
          const frags = f.fragment(sdu, mtu);
          frags.forEach((frag, i) => {
            const res = r.push(frag);
            if (res.errors.length > 0) throw res.errors[0];
            const done = i === frags.length - 1;
            if (res.sdus.length !== (done ? 1 : 0)) throw new Error(`MTU ${mtu}: SDU completed at ${i}`);
            if (done && !same(res.sdus[0]!, sdu)) throw new Error(`MTU ${mtu}: SDU differs`);
          });
        }
      }),
      { numRuns: 25 },
    );
  });

  it("[FRAG-1] round trip at every ATT MTU for the lengths around each fragment boundary", () => {
    const f = new Fragmenter({ maxMessage: 4096 });
    const r = new Reassembler({ maxMessage: 4096 });
    for (let mtu = 23; mtu <= 517; mtu++) {
      const size = Math.min(mtu - 3, 512);
      const edges = [1, 126, 127, 128, 129, size - 3, size - 2, size - 1, size, size + 1];
      for (let k = 1; k <= 3; k++) edges.push(size - 3 + k * (size - 1), size - 2 + k * (size - 1));
      for (const len of edges.filter((n) => n >= 1 && n <= 4096)) {
        const sdu = bytes(len, mtu * 7919 + len);
        const frags = f.fragment(sdu, mtu);
        expect(frags.length).toBe(fragmentCount(len, mtu));
        const out = reassemble(frags, r, false);
        expect(out.errors).toEqual([]);
        expect(out.sdus.length).toBe(1);
        expect(same(out.sdus[0]!, sdu)).toBe(true);
      }
    }
  });

  it("[FRAG-1] the largest SDU (16383 bytes) round-trips at MTU 23, 24, 185, 247 and 517", () => {
    const sdu = bytes(16383, 16383);
    for (const mtu of [23, 24, 185, 247, 517]) {
      const frags = new Fragmenter({ maxMessage: 16383 }).fragment(sdu, mtu);
      expect(frags[0]!.subarray(0, 3)).toEqual(Uint8Array.of(0x80, 0xff, 0x7f));
      const out = reassemble(frags, { maxMessage: 16383 });
      expect(out.errors).toEqual([]);
      expect(same(out.sdus[0]!, sdu)).toBe(true);
    }
  });

  it("[FRAG-1] a stream of many SDUs, MTU changing between SDUs, wraps the counter past 127 and arrives whole", () => {
    fc.assert(
      fc.property(fc.array(sduArb(400), { minLength: 20, maxLength: 60 }), fc.array(mtuArb, { minLength: 1, maxLength: 5 }), (sdus, mtus) => {
        const stream = fragmentStream(sdus, [23, ...mtus]);
        const out = reassemble(stream.fragments);
        expect(out.errors).toEqual([]);
        expect(out.sdus.length).toBe(sdus.length);
        out.sdus.forEach((s, i) => expect(same(s, sdus[i]!)).toBe(true));
      }),
      { numRuns: 30 },
    );
  });

  it("[FRAG-1] 1000 single-fragment SDUs wrap the counter several times without an error", () => {
    const sdus = Array.from({ length: 1000 }, (_, i) => bytes(1 + (i % 17), i));
    const stream = fragmentStream(sdus, 23);
    const wraps = stream.fragments.filter((f) => (f[0]! & 0x7f) === 0).length;
    expect(wraps).toBeGreaterThanOrEqual(7);
    const out = reassemble(stream.fragments);
    expect(out.errors).toEqual([]);
    expect(out.sdus).toEqual(sdus);
  });
});
