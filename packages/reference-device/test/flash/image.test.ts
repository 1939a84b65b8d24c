/**
 * The flash image and the file that holds it: a round trip keeps every
 * field; anything torn or corrupted is told apart and never trusted [ID-2].
 */
import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { FileFlash, MemoryFlash, crc32, decodeImage, encodeImage, type DurableState } from "../../src/index.js";

const SEED = Number(process.env.FERRY_SEED ?? 20261122);

const state: DurableState = {
  deviceId: new Uint8Array([0xd0, 0x0d, 0x00, 0x01]),
  epoch: 0x2f6a91c3,
  previousEpoch: 17,
  streams: [
    {
      stream: 1,
      state: {
        nextSeq: 8n,
        events: [{ seq: 7n, arrival: 3, payload: new TextEncoder().encode("smoke"), signature: new Uint8Array(64).fill(9) }],
        accounted: [{ first: 2n, last: 4n, reason: "overflow" }],
      },
    },
    { stream: 2, state: { nextSeq: (1n << 64n) - 1n, events: [{ seq: 5n, arrival: 4, payload: new Uint8Array(0), deadline: 2500 }], accounted: [] } },
  ],
  commands: { highestId: 41n, outcomes: [{ id: 41n, outcome: "executed" }] },
};

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "ferry-flash-"));
  dirs.push(d);
  return d;
};

describe("flash image", () => {
  it("CRC-32 is the IEEE one", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });

  it("[LIFE-2] round-trips device id, epochs, counters, events with signatures and deadlines, accountings and command state", () => {
    const decoded = decodeImage(encodeImage(state));
    expect(decoded).toEqual({ ok: true, state });
  });

  it("[ID-2] refuses every truncation and every single-byte corruption of an image", () => {
    const image = encodeImage(state);
    fc.assert(
      fc.property(fc.nat(image.length - 1), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const bad = image.slice();
        bad[at] = bad[at]! ^ flip;
        expect(decodeImage(bad).ok).toBe(false);
        expect(decodeImage(image.subarray(0, at)).ok).toBe(false);
      }),
      { seed: SEED },
    );
  });

  it("[ID-2] refuses a well-framed body that breaks a field rule (a counter below its events)", () => {
    const bad = { ...state, streams: [{ stream: 1, state: { ...state.streams[0]!.state, nextSeq: 3n } }] };
    expect(decodeImage(encodeImage(bad))).toMatchObject({ ok: false, reason: expect.stringMatching(/counter/) });
  });

  it("[LIFE-3] FileFlash replaces the file whole, leaves no temporary file, and reads a missing file as blank", () => {
    const dir = tempDir();
    const flash = new FileFlash(join(dir, "device.flash"));
    expect(flash.read()).toBeUndefined();
    flash.write(encodeImage(state));
    flash.write(new Uint8Array([1, 2, 3]));
    expect(flash.read()).toEqual(new Uint8Array([1, 2, 3]));
    expect(readdirSync(dir)).toEqual(["device.flash"]);
  });

  it("[ID-2] a torn or overwritten file reads back, and its image does not decode", () => {
    const dir = tempDir();
    const path = join(dir, "device.flash");
    const flash = new FileFlash(path);
    flash.write(encodeImage(state));
    truncateSync(path, 40);
    expect(decodeImage(flash.read()!).ok).toBe(false);
    writeFileSync(path, readFileSync(path).fill(0));
    expect(decodeImage(flash.read()!).ok).toBe(false);
  });

  it("MemoryFlash copies what it stores, and can be wiped or corrupted", () => {
    const flash = new MemoryFlash();
    const image = encodeImage(state);
    flash.write(image);
    image[0] = 0;
    expect(decodeImage(flash.read()!).ok).toBe(true);
    flash.corrupt();
    expect(decodeImage(flash.read()!).ok).toBe(false);
    flash.wipe();
    expect(flash.read()).toBeUndefined();
  });
});
