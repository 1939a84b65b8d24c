/**
 * The fragment byte format and the sender's rules [FRAG-1]: golden bytes,
 * the header budget at every ATT MTU, the size helpers, and local errors.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProtocolError } from "../../src/errors.js";
import {
  CONTINUATION_HEADER_SIZE,
  Fragmenter,
  firstHeaderSize,
  fragmentCount,
  fragmentSize,
  headerBytes,
} from "../../src/fragment/index.js";
import { bytes, sduArb } from "./helpers.js";

const hex = (a: Uint8Array) => Buffer.from(a).toString("hex");

function expectLocal(fn: () => unknown, name: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ProtocolError);
  expect((caught as ProtocolError).errorName).toBe(name);
  expect((caught as ProtocolError).fault).toBe("local");
}

describe("fragment format", () => {
  it("[FRAG-1] golden: a one-byte SDU is 0x80|counter, length, byte", () => {
    expect(new Fragmenter().fragment(Uint8Array.of(0xaa), 23).map(hex)).toEqual(["8001aa"]);
  });

  it("[FRAG-1] golden: 40 bytes at MTU 23 fill 20-byte fragments, counters 0, 1, 2", () => {
    const sdu = Uint8Array.from({ length: 40 }, (_, i) => i);
    const frags = new Fragmenter().fragment(sdu, 23);
    expect(frags.map((f) => f.length)).toEqual([20, 20, 4]);
    expect(hex(frags[0]!)).toBe("8028" + hex(sdu.subarray(0, 18)));
    expect(hex(frags[1]!)).toBe("01" + hex(sdu.subarray(18, 37)));
    expect(hex(frags[2]!)).toBe("02" + hex(sdu.subarray(37)));
  });

  it("[FRAG-1] golden: length field is LEB128 (127 -> 7f, 128 -> 80 01, 300 -> ac 02, 16383 -> ff 7f)", () => {
    const f = new Fragmenter({ maxMessage: 16383 });
    const head = (n: number) => {
      f.reset();
      return hex(f.fragment(new Uint8Array(n), 517)[0]!.subarray(0, firstHeaderSize(n)));
    };
    expect(head(127)).toBe("807f");
    expect(head(128)).toBe("808001");
    expect(head(300)).toBe("80ac02");
    expect(head(16383)).toBe("80ff7f");
  });

  it("[FRAG-1] the counter runs +1 mod 128 per fragment and across SDUs, from 0", () => {
    const f = new Fragmenter();
    const counters: number[] = [];
    for (let i = 0; i < 100; i++) {
      for (const frag of f.fragment(bytes(1 + (i % 30), i), 23)) counters.push(frag[0]! & 0x7f);
    }
    expect(counters.length).toBeGreaterThan(128);
    counters.forEach((c, i) => expect(c).toBe(i % 128));
  });

  it("[FRAG-1] header budget at every ATT MTU 23..517: first <= 3, continuation 1, fragments filled to MTU-3 but the last", () => {
    // Plain checks in the loop: about 10^5 fragments, too many for expect().
    const check = (ok: boolean, what: string) => {
      if (!ok) throw new Error(what);
    };
    fc.assert(
      fc.property(sduArb(4096), (sdu) => {
        const f = new Fragmenter({ maxMessage: 16383 });
        const h1 = firstHeaderSize(sdu.length);
        check(h1 === (sdu.length < 128 ? 2 : 3) && h1 <= 3, `first header ${h1} for ${sdu.length} bytes`);
        for (let mtu = 23; mtu <= 517; mtu++) {
          const start = f.counter;
          const frags = f.fragment(sdu, mtu);
          const size = Math.min(mtu - 3, 512);
          const at = `MTU ${mtu}, ${sdu.length} bytes`;
          check(fragmentSize(mtu) === size, `${at}: fragmentSize`);
          check(frags.length === fragmentCount(sdu.length, mtu), `${at}: fragmentCount`);
          check((frags[0]![0]! & 0x80) === 0x80, `${at}: first flag`);
          let carried = -h1;
          frags.forEach((frag, i) => {
            check((frag[0]! & 0x7f) === (start + i) % 128, `${at}: counter of fragment ${i}`);
            if (i > 0) {
              check((frag[0]! & 0x80) === 0, `${at}: continuation ${i} has the first flag`);
              carried -= CONTINUATION_HEADER_SIZE;
            }
            carried += frag.length;
            const full = i < frags.length - 1 ? frag.length === size : frag.length <= size && frag.length > 0;
            check(full, `${at}: fragment ${i} is ${frag.length} bytes`);
          });
          check(carried === sdu.length, `${at}: carried ${carried} bytes`);
          const spent = frags.reduce((n, frag) => n + frag.length, 0) - sdu.length;
          check(spent === headerBytes(sdu.length, mtu), `${at}: headerBytes`);
        }
      }),
      { numRuns: 20 },
    );
  });

  it("[FRAG-1] fragmentSize, firstHeaderSize and fragmentCount at the edges", () => {
    expect(fragmentSize(23)).toBe(20);
    expect(fragmentSize(515)).toBe(512);
    // [FRAG-2] a fragment never passes 512 bytes, the largest attribute value.
    expect(fragmentSize(517)).toBe(512);
    expect(fragmentSize(247)).toBe(244);
    expect([1, 127, 128, 16383].map(firstHeaderSize)).toEqual([2, 2, 3, 3]);
    expect(fragmentCount(18, 23)).toBe(1);
    expect(fragmentCount(19, 23)).toBe(2);
    expect(fragmentCount(18 + 19, 23)).toBe(2);
    expect(fragmentCount(18 + 19 + 1, 23)).toBe(3);
    expect(fragmentCount(16383, 517)).toBe(1 + Math.ceil((16383 - 509) / 511));
  });

  it("[FRAG] an ATT MTU outside 23..517 is a local error and sends nothing", () => {
    const f = new Fragmenter();
    for (const mtu of [0, 22, 518, 100.5, Number.NaN]) {
      expectLocal(() => f.fragment(Uint8Array.of(1), mtu), "INVALID_FIELD");
      expectLocal(() => fragmentSize(mtu), "INVALID_FIELD");
    }
    expect(f.counter).toBe(0);
  });

  it("[FRAG] an empty SDU is a local INVALID_FIELD; one above max message a local MESSAGE_TOO_LARGE", () => {
    const f = new Fragmenter({ maxMessage: 100 });
    expectLocal(() => f.fragment(new Uint8Array(0), 23), "INVALID_FIELD");
    expectLocal(() => f.fragment(new Uint8Array(101), 23), "MESSAGE_TOO_LARGE");
    expect(f.fragment(new Uint8Array(100), 23).length).toBe(fragmentCount(100, 23));
    const big = new Fragmenter({ maxMessage: 1 << 20 });
    expectLocal(() => big.fragment(new Uint8Array(16384), 517), "MESSAGE_TOO_LARGE");
    expectLocal(() => new Fragmenter({ maxMessage: 0 }), "INVALID_FIELD");
    expectLocal(() => fragmentCount(0, 23), "INVALID_FIELD");
  });

  it("[FRAG] the default max message is the spec's 4096, and setMaxMessage raises it", () => {
    const f = new Fragmenter();
    expect(f.maxMessage).toBe(4096);
    expectLocal(() => f.fragment(new Uint8Array(4097), 247), "MESSAGE_TOO_LARGE");
    f.setMaxMessage(8000);
    expect(f.fragment(new Uint8Array(4097), 247).length).toBe(fragmentCount(4097, 247));
  });

  it("[FRAG] reset() starts the counter at 0 again (new connection)", () => {
    const f = new Fragmenter();
    f.fragment(new Uint8Array(100), 23);
    expect(f.counter).toBe(fragmentCount(100, 23));
    f.reset();
    expect(f.fragment(Uint8Array.of(7), 23)[0]![0]).toBe(0x80);
  });
});
