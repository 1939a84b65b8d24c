/**
 * The byte-stream wrapper: frames come out the same however the stream is
 * chunked [VGL-13]; an untrustworthy length closes the stream [VGL-2].
 */
import { PassThrough } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeVglMessage, type Frame, type VglMessage } from "@ferry/protocol/vgl";
import { FrameStream } from "../../src/ble/index.js";
import { settle } from "./harness.js";

const seed = Number(process.env.FERRY_SEED ?? 20261122);

function pipe() {
  const input = new PassThrough();
  const output = new PassThrough();
  let closedBy: Error | undefined | "open" = "open";
  const frames: Frame[] = [];
  const stream = new FrameStream(input, output, () => input.destroy());
  stream.attach({ frame: (f) => frames.push(f), closed: (e) => (closedBy = e) });
  return { input, output, stream, frames, closed: () => closedBy };
}

const MESSAGES: VglMessage[] = [
  { channel: "linkControl", control: { type: "connected", vglVersion: 1, name: "ferry-demo" } },
  { channel: "att", pdu: { type: "exchangeMtuResponse", serverRxMtu: 247 } },
  { channel: "att", pdu: { type: "handleValueNotification", handle: 8, value: new Uint8Array(514).fill(7) } },
  { channel: "att", pdu: { type: "writeResponse" } },
  { channel: "linkControl", control: { type: "disconnect", reason: 0x13 } },
];

describe("FrameStream", () => {
  it("[VGL-13] gives the same frames whole, byte by byte, or split anywhere", async () => {
    const wire = Buffer.concat(MESSAGES.map(encodeVglMessage));
    const expected = MESSAGES.map(encodeVglMessage).map((b) => ({ channel: b[2], payload: [...b.subarray(3)] }));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: wire.length }), { maxLength: 40 }), async (cuts) => {
        const p = pipe();
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        let at = 0;
        for (const c of [...points, wire.length]) {
          if (c > at) p.input.write(wire.subarray(at, c));
          at = c;
        }
        await settle(3);
        expect(p.frames.map((f) => ({ channel: f.channel, payload: [...f.payload] }))).toEqual(expected);
      }),
      { seed, numRuns: 60 },
    );
    const p = pipe();
    for (const b of wire) p.input.write(Uint8Array.of(b));
    await settle(3);
    expect(p.frames).toHaveLength(MESSAGES.length);
  });

  it("[VGL-2] skips an unknown channel and closes the stream on a length of 0 or above 518", async () => {
    const p = pipe();
    p.input.write(Uint8Array.of(0x02, 0x00, 0x09, 0xaa)); // channel 9: skipped
    p.input.write(encodeVglMessage(MESSAGES[3]!));
    p.input.write(Uint8Array.of(0x07, 0x02)); // length 519
    await settle(3);
    expect(p.frames.map((f) => f.channel)).toEqual([0x04]);
    expect(p.closed()).toMatchObject({ code: "FRAME_LENGTH_INVALID" });
    expect(p.stream.isClosed).toBe(true);
    p.stream.send(Uint8Array.of(1, 0, 0));
    expect(p.output.read()).toBeNull(); // nothing written after close
  });

  it("[VGL-4] reports the end of the stream", async () => {
    const p = pipe();
    p.input.end();
    await settle(3);
    expect(p.closed()).toBeUndefined();
    expect(p.stream.isClosed).toBe(true);
  });
});
