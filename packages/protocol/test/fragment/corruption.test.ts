/**
 * Structural corruption of a fragment stream is always detected with the
 * exact error, costs exactly the damaged SDUs, and the receiver resynchronises:
 * every SDU not touched, and the one sent after the damage, arrive whole.
 *
 * Each case warms both ends up with a random number of fragments first, so
 * the damage lands at any counter value, including across the 127 -> 0 wrap.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ErrorName } from "../../src/errors.js";
import { Fragmenter, Reassembler } from "../../src/fragment/index.js";
import { bytes, fragmentStream, reassemble, renumber, sduArb, warmUp, type Stream } from "./helpers.js";

const smallMtu = fc.integer({ min: 23, max: 60 });
const anyMtu = fc.oneof(smallMtu, fc.integer({ min: 23, max: 517 }));

/** A body of SDUs, fragmented after a warm-up, plus the tail SDU that must survive any damage to the body. */
function setUp(sdus: Uint8Array[], mtu: number, warm: number) {
  const fragmenter = new Fragmenter({ maxMessage: 16383 });
  const reassembler = new Reassembler({ maxMessage: 16383 });
  warmUp(fragmenter, reassembler, warm);
  const start = fragmenter.counter;
  const body = fragmentStream(sdus, mtu, fragmenter);
  const tailSdu = bytes(50, 0x7a11);
  const tail = fragmenter.fragment(tailSdu, mtu);
  /**
   * Runs the damaged body then the tail; checks the errors and that exactly
   * the `lost` SDUs are missing. `sender` renumbers the counters as a sender
   * would have sent them (damage done by the sender, not the link).
   */
  const check = (damaged: Uint8Array[], errors: ErrorName[], lost: Set<number>, sender = false) => {
    const sent = [...damaged, ...tail];
    const out = reassemble(sender ? renumber(sent, start) : sent, reassembler);
    expect(out.errors).toEqual(errors);
    expect(out.sdus).toEqual([...sdus.filter((_, i) => !lost.has(i)), tailSdu]);
  };
  return { body, check };
}

/** Array.prototype.toSpliced, which the ES2022 lib lacks. */
function splice<T>(a: T[], at: number, remove: number, ...insert: T[]): T[] {
  return [...a.slice(0, at), ...insert, ...a.slice(at + remove)];
}

const isLastOf = (s: Stream, i: number) => i === s.fragments.length - 1 || s.owner[i + 1] !== s.owner[i];
const isFirstOf = (s: Stream, i: number) => i === 0 || s.owner[i - 1] !== s.owner[i];
const fragmentsOf = (s: Stream, k: number) => s.owner.filter((o) => o === k).length;

const body = (max = 300, min = 1) => fc.array(sduArb(max, min), { minLength: 1, maxLength: 8 });
const warm = fc.nat(140);

describe("fragment stream corruption", () => {
  it("[FRAG] FRAGMENT_LOST when a fragment is missing; only its SDU is lost", () => {
    fc.assert(
      fc.property(body(), anyMtu, warm, fc.nat(), (sdus, mtu, w, pick) => {
        const { body: s, check } = setUp(sdus, mtu, w);
        const i = pick % s.fragments.length;
        check(splice(s.fragments, i, 1), ["FRAGMENT_LOST"], new Set([s.owner[i]!]));
      }),
    );
  });

  it("[FRAG] FRAGMENT_DUPLICATE when a fragment arrives twice; the SDU survives only if it had completed", () => {
    fc.assert(
      fc.property(body(), anyMtu, warm, fc.nat(), (sdus, mtu, w, pick) => {
        const { body: s, check } = setUp(sdus, mtu, w);
        const i = pick % s.fragments.length;
        const lost = isLastOf(s, i) ? new Set<number>() : new Set([s.owner[i]!]);
        check(splice(s.fragments, i + 1, 0, s.fragments[i]!), ["FRAGMENT_DUPLICATE"], lost);
      }),
    );
  });

  it("[FRAG] FRAGMENT_REORDERED when two fragments are swapped (reported LOST, REORDERED, LOST)", () => {
    fc.assert(
      fc.property(body(), anyMtu, warm, fc.nat(), (sdus, mtu, w, pick) => {
        const { body: s, check } = setUp(sdus, mtu, w);
        fc.pre(s.fragments.length >= 2);
        const i = pick % (s.fragments.length - 1);
        const swapped = splice(s.fragments, i, 2, s.fragments[i + 1]!, s.fragments[i]!);
        const [a, b] = [s.owner[i]!, s.owner[i + 1]!];
        // The early fragment, if it starts a one-fragment SDU, completes it before the stale one arrives.
        const lost = new Set([a]);
        if (b !== a && fragmentsOf(s, b) > 1) lost.add(b);
        check(swapped, ["FRAGMENT_LOST", "FRAGMENT_REORDERED", "FRAGMENT_LOST"], lost);
      }),
    );
  });

  it("[FRAG] FRAGMENT_TRUNCATED when an SDU's tail is dropped and the next SDU starts (counters unbroken)", () => {
    fc.assert(
      fc.property(body(600, 120), smallMtu, warm, fc.nat(), fc.nat(), (sdus, mtu, w, pickSdu, pickCut) => {
        const { body: s, check } = setUp(sdus, mtu, w);
        const k = pickSdu % sdus.length;
        const first = s.owner.indexOf(k);
        const n = fragmentsOf(s, k);
        const keep = 1 + (pickCut % (n - 1));
        check(splice(s.fragments, first + keep, n - keep), ["FRAGMENT_TRUNCATED"], new Set([k]), true);
      }),
    );
  });

  it("[FRAG] FRAGMENT_TRUNCATED once for continuations with no SDU in progress; no SDU lost", () => {
    fc.assert(
      fc.property(body(), anyMtu, warm, fc.nat(), fc.integer({ min: 1, max: 4 }), (sdus, mtu, w, pick, orphans) => {
        const { body: s, check } = setUp(sdus, mtu, w);
        const boundaries = s.fragments.map((_, i) => i).filter((i) => isFirstOf(s, i));
        const at = boundaries[pick % boundaries.length]!;
        const stray = Array.from({ length: orphans }, () => Uint8Array.of(0, 1, 2, 3));
        check(splice(s.fragments, at, 0, ...stray), ["FRAGMENT_TRUNCATED"], new Set(), true);
      }),
    );
  });

  it("[FRAG] FRAGMENT_OVERRUN when a fragment carries bytes past the declared length", () => {
    fc.assert(
      fc.property(body(), anyMtu, warm, fc.nat(), fc.integer({ min: 1, max: 5 }), (sdus, mtu, w, pick, extra) => {
        const { body: s, check } = setUp(sdus, mtu, w);
        const k = pick % sdus.length;
        const last = s.owner.lastIndexOf(k);
        const longer = new Uint8Array(s.fragments[last]!.length + extra).fill(0xee);
        longer.set(s.fragments[last]!);
        check(splice(s.fragments, last, 1, longer), ["FRAGMENT_OVERRUN"], new Set([k]));
      }),
    );
  });

  it("[FRAG] FRAGMENT_HEADER_INVALID for length 0, a 3-byte varint, an unterminated varint or a missing length", () => {
    const badHeaders = [
      (c: number) => Uint8Array.of(0x80 | c, 0x00, 1, 2, 3),
      (c: number) => Uint8Array.of(0x80 | c, 0x80, 0x80, 0x01, 1, 2, 3),
      (c: number) => Uint8Array.of(0x80 | c, 0xff, 0xff, 0x7f),
      (c: number) => Uint8Array.of(0x80 | c, 0x81),
      (c: number) => Uint8Array.of(0x80 | c),
    ];
    fc.assert(
      fc.property(body(), anyMtu, warm, fc.nat(), fc.constantFrom(...badHeaders), (sdus, mtu, w, pick, bad) => {
        const { body: s, check } = setUp(sdus, mtu, w);
        const k = pick % sdus.length;
        const first = s.owner.indexOf(k);
        const broken = bad(s.fragments[first]![0]! & 0x7f);
        check(splice(s.fragments, first, 1, broken), ["FRAGMENT_HEADER_INVALID"], new Set([k]));
      }),
    );
  });

  it("[FRAG] FRAGMENT_HEADER_INVALID for an empty fragment; it costs only the SDU it interrupts", () => {
    fc.assert(
      fc.property(body(), anyMtu, warm, fc.nat(), (sdus, mtu, w, pick) => {
        const { body: s, check } = setUp(sdus, mtu, w);
        const i = pick % (s.fragments.length + 1);
        const interrupts = i < s.fragments.length && !isFirstOf(s, i);
        const lost = interrupts ? new Set([s.owner[i]!]) : new Set<number>();
        check(splice(s.fragments, i, 0, new Uint8Array(0)), ["FRAGMENT_HEADER_INVALID"], lost);
      }),
    );
  });

  it("[FRAG] MESSAGE_TOO_LARGE for every SDU declared longer than maxMessage; the others arrive", () => {
    fc.assert(
      fc.property(fc.array(sduArb(400), { minLength: 1, maxLength: 10 }), anyMtu, fc.integer({ min: 1, max: 300 }), (sdus, mtu, max) => {
        const s = fragmentStream(sdus, mtu);
        const out = reassemble(s.fragments, { maxMessage: max });
        expect(out.errors).toEqual(sdus.filter((x) => x.length > max).map(() => "MESSAGE_TOO_LARGE"));
        expect(out.sdus).toEqual(sdus.filter((x) => x.length <= max));
      }),
    );
  });
});
