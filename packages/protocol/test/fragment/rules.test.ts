/**
 * The receiver's rules one fragment at a time: the counter table, the order
 * of checks when a fragment has more than one problem, a first fragment while
 * an SDU is incomplete, end() and reset(). Fragments are built by hand.
 */
import { describe, expect, it } from "vitest";
import { ErrorCode, ProtocolError } from "../../src/errors.js";
import { Reassembler, classifyCounter } from "../../src/fragment/index.js";

/** First fragment: flag|counter, 1-byte length, bytes. */
const S = (c: number, ...b: number[]) => Uint8Array.of(0x80 | c, b.length, ...b);
/** First fragment declaring `len` bytes but carrying only `b`. */
const Sp = (c: number, len: number, ...b: number[]) => Uint8Array.of(0x80 | c, len, ...b);
/** Continuation. */
const C = (c: number, ...b: number[]) => Uint8Array.of(c, ...b);

function run(r: Reassembler, f: Uint8Array) {
  const res = r.push(f);
  return { sdus: res.sdus.map((s) => [...s]), errors: res.errors.map((e) => e.errorName) };
}

describe("reassembler rules", () => {
  it("[FRAG] counter rule: d = (received - expected) mod 128; 1..63 LOST, 64..126 REORDERED, 127 DUPLICATE", () => {
    for (let expected = 0; expected < 128; expected++) {
      for (let d = 0; d < 128; d++) {
        const want = d === 0 ? undefined : d === 127 ? "FRAGMENT_DUPLICATE" : d <= 63 ? "FRAGMENT_LOST" : "FRAGMENT_REORDERED";
        expect(classifyCounter((expected + d) % 128, expected)).toBe(want);
      }
    }
    for (let d = 1; d < 128; d++) {
      const r = new Reassembler();
      expect(run(r, C(d, 1)).errors).toEqual([classifyCounter(d, 0)]);
      expect(r.expectedCounter).toBe((d + 1) % 128);
    }
  });

  it("[FRAG] errors are remote ProtocolErrors with the codes of errors.json", () => {
    const r = new Reassembler();
    const [e] = r.push(C(5, 1)).errors;
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e!.fault).toBe("remote");
    expect(e!.code).toBe(ErrorCode.FRAGMENT_LOST);
    expect(e!.code).toBe(50);
  });

  it("[FRAG] FRAGMENT_LOST on a first fragment: the loss is reported and the first fragment starts a new SDU", () => {
    const r = new Reassembler();
    expect(run(r, Sp(0, 3, 1))).toEqual({ sdus: [], errors: [] });
    expect(run(r, S(5, 9))).toEqual({ sdus: [[9]], errors: ["FRAGMENT_LOST"] });
    expect(run(r, Sp(6, 2, 1))).toEqual({ sdus: [], errors: [] });
    expect(run(r, C(7, 2))).toEqual({ sdus: [[1, 2]], errors: [] });
  });

  it("[FRAG] FRAGMENT_DUPLICATE or FRAGMENT_REORDERED first fragments are stale: discarded, never delivered again", () => {
    const r = new Reassembler();
    expect(run(r, S(0, 1))).toEqual({ sdus: [[1]], errors: [] });
    expect(run(r, S(0, 1))).toEqual({ sdus: [], errors: ["FRAGMENT_DUPLICATE"] });
    expect(run(r, S(1, 2))).toEqual({ sdus: [[2]], errors: [] });
    expect(run(r, S(2, 3))).toEqual({ sdus: [[3]], errors: [] });
    expect(run(r, S(0, 1))).toEqual({ sdus: [], errors: ["FRAGMENT_REORDERED"] });
    // expected = received + 1 even so: the stream goes on from counter 1.
    expect(r.expectedCounter).toBe(1);
  });

  it("[FRAG] precedence: the counter is checked before the header (LOST then HEADER_INVALID; a stale one stops at the counter)", () => {
    const r = new Reassembler();
    expect(run(r, Uint8Array.of(0x80 | 3, 0x00))).toEqual({ sdus: [], errors: ["FRAGMENT_LOST", "FRAGMENT_HEADER_INVALID"] });
    expect(run(r, Uint8Array.of(0x80 | 3, 0x00))).toEqual({ sdus: [], errors: ["FRAGMENT_DUPLICATE"] });
    expect(run(r, Uint8Array.of(0x80 | 9, 0x05, 1))).toEqual({ sdus: [], errors: ["FRAGMENT_LOST"] });
    expect(run(r, Uint8Array.of(0x80 | 20, 0x81))).toEqual({ sdus: [], errors: ["FRAGMENT_LOST", "FRAGMENT_HEADER_INVALID"] });
    const small = new Reassembler({ maxMessage: 4 });
    expect(run(small, Sp(1, 5, 1))).toEqual({ sdus: [], errors: ["FRAGMENT_LOST", "MESSAGE_TOO_LARGE"] });
  });

  it("[FRAG] FRAGMENT_TRUNCATED for a first fragment while an SDU is incomplete; the new first fragment is processed normally", () => {
    const r = new Reassembler();
    expect(run(r, Sp(0, 10, 1, 2))).toEqual({ sdus: [], errors: [] });
    expect(run(r, S(1, 7, 8))).toEqual({ sdus: [[7, 8]], errors: ["FRAGMENT_TRUNCATED"] });
    expect(run(r, Sp(2, 10, 1))).toEqual({ sdus: [], errors: [] });
    expect(run(r, Sp(3, 2, 5))).toEqual({ sdus: [], errors: ["FRAGMENT_TRUNCATED"] });
    expect(run(r, C(4, 6))).toEqual({ sdus: [[5, 6]], errors: [] });
    expect(run(r, Sp(5, 10, 1))).toEqual({ sdus: [], errors: [] });
    expect(run(r, Uint8Array.of(0x80 | 6, 0x00))).toEqual({ sdus: [], errors: ["FRAGMENT_TRUNCATED", "FRAGMENT_HEADER_INVALID"] });
  });

  it("[FRAG] a counter error while an SDU is incomplete is the only report for it (no extra FRAGMENT_TRUNCATED)", () => {
    const r = new Reassembler();
    run(r, Sp(0, 10, 1));
    expect(run(r, S(2, 4))).toEqual({ sdus: [[4]], errors: ["FRAGMENT_LOST"] });
  });

  it("[FRAG] FRAGMENT_TRUNCATED for a continuation with none in progress, once; later continuations are dropped silently", () => {
    const r = new Reassembler();
    expect(run(r, C(0, 1))).toEqual({ sdus: [], errors: ["FRAGMENT_TRUNCATED"] });
    expect(run(r, C(1, 2))).toEqual({ sdus: [], errors: [] });
    expect(run(r, C(3, 2))).toEqual({ sdus: [], errors: ["FRAGMENT_LOST"] });
    expect(run(r, S(4, 3))).toEqual({ sdus: [[3]], errors: [] });
  });

  it("[FRAG] FRAGMENT_OVERRUN on a first fragment or a continuation past the declared length", () => {
    const r = new Reassembler();
    expect(run(r, Sp(0, 2, 1, 2, 3))).toEqual({ sdus: [], errors: ["FRAGMENT_OVERRUN"] });
    expect(run(r, Sp(1, 3, 1, 2))).toEqual({ sdus: [], errors: [] });
    expect(run(r, C(2, 3, 4))).toEqual({ sdus: [], errors: ["FRAGMENT_OVERRUN"] });
    expect(run(r, S(3, 5))).toEqual({ sdus: [[5]], errors: [] });
  });

  it("[FRAG] FRAGMENT_HEADER_INVALID for an empty fragment leaves the expected counter where it was", () => {
    const r = new Reassembler();
    run(r, Sp(0, 3, 1));
    expect(run(r, new Uint8Array(0))).toEqual({ sdus: [], errors: ["FRAGMENT_HEADER_INVALID"] });
    expect(r.expectedCounter).toBe(1);
    expect(run(r, C(1, 2, 3))).toEqual({ sdus: [], errors: [] });
    expect(run(r, S(2, 4))).toEqual({ sdus: [[4]], errors: [] });
  });

  it("[FRAG-1] a 2-byte length field of a small value and a header-only continuation are accepted", () => {
    const r = new Reassembler();
    expect(run(r, Uint8Array.of(0x80, 0x83, 0x00, 1, 2))).toEqual({ sdus: [], errors: [] });
    expect(run(r, C(1))).toEqual({ sdus: [], errors: [] });
    expect(run(r, C(2, 3))).toEqual({ sdus: [[1, 2, 3]], errors: [] });
  });

  it("[FRAG] MESSAGE_TOO_LARGE above maxMessage (exactly maxMessage is accepted); its continuations are dropped silently", () => {
    const r = new Reassembler({ maxMessage: 3 });
    expect(run(r, S(0, 1, 2, 3))).toEqual({ sdus: [[1, 2, 3]], errors: [] });
    expect(run(r, Sp(1, 4, 1))).toEqual({ sdus: [], errors: ["MESSAGE_TOO_LARGE"] });
    expect(run(r, C(2, 2, 3, 4))).toEqual({ sdus: [], errors: [] });
    expect(run(r, S(3, 9))).toEqual({ sdus: [[9]], errors: [] });
    expect(new Reassembler().maxMessage).toBe(4096);
    expect(() => new Reassembler({ maxMessage: 0 })).toThrow(ProtocolError);
  });

  it("[FRAG] end(): FRAGMENT_TRUNCATED if the link closes mid-SDU, nothing otherwise; then counters restart at 0", () => {
    const r = new Reassembler();
    run(r, Sp(0, 3, 1));
    expect(r.inProgress).toBe(true);
    expect(r.end().errors.map((e) => e.errorName)).toEqual(["FRAGMENT_TRUNCATED"]);
    expect(r.expectedCounter).toBe(0);
    expect(r.inProgress).toBe(false);
    expect(r.end().errors).toEqual([]);
    run(r, C(0, 1));
    expect(r.end().errors).toEqual([]);
    expect(run(r, S(0, 1))).toEqual({ sdus: [[1]], errors: [] });
  });

  it("[FRAG] reset(): a new connection forgets the partial SDU silently and expects counter 0", () => {
    const r = new Reassembler();
    run(r, S(0, 1));
    run(r, Sp(1, 3, 1));
    r.reset();
    expect(r.expectedCounter).toBe(0);
    expect(run(r, S(0, 7))).toEqual({ sdus: [[7]], errors: [] });
  });
});
