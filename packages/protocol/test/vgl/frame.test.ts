/**
 * VGL framing (10.1): the frame layout, the length bounds, unknown channels,
 * and reassembly from any split of the byte stream.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FRAME_LENGTH_MAX, FrameDecoder, encodeFrame, isVglError, type Frame } from "../../src/vgl/index.js";
import { bytes, decodeChunks, hexOf, split } from "./helpers.js";

const frameArb: fc.Arbitrary<Frame> = fc.record({
  channel: fc.constantFrom(0x00 as const, 0x04 as const),
  payload: fc.uint8Array({ maxLength: 517 }),
});
/** Raw frames on any channel, known or not, each with a valid length. */
const rawFrameArb = fc.record({ channel: fc.nat(0xff), payload: fc.uint8Array({ maxLength: 60 }) });
const raw = (channel: number, payload: Uint8Array) => Uint8Array.of(payload.length + 1, (payload.length + 1) >> 8, channel, ...payload);
const concat = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

describe("VGL frames", () => {
  it("[VGL-1] a frame is u16 LE length (channel + payload), channel, payload", () => {
    expect(hexOf(encodeFrame(0x04, bytes("02 05 02")))).toBe("04 00 04 02 05 02");
    expect(hexOf(encodeFrame(0x00, new Uint8Array()))).toBe("01 00 00");
    const largest = encodeFrame(0x04, new Uint8Array(517));
    expect(hexOf(largest.subarray(0, 3))).toBe("06 02 04");
    expect(largest).toHaveLength(520);
  });

  it("[VGL-1] the encoder refuses a channel other than 0x00 and 0x04, and a length above 518", () => {
    for (const channel of [0x01, 0x03, 0x05, 0xff, -1]) {
      expect(() => encodeFrame(channel, new Uint8Array(1))).toThrow(expect.objectContaining({ code: "CHANNEL_INVALID", fault: "local" }));
    }
    let caught: unknown;
    try {
      encodeFrame(0x04, new Uint8Array(518));
    } catch (e) {
      caught = e;
    }
    expect(isVglError(caught, "FRAME_LENGTH_INVALID")).toBe(true);
  });

  it("[VGL-1] [VGL-13] any frame decodes to itself, pushed whole", () => {
    fc.assert(
      fc.property(frameArb, (frame) => {
        expect(new FrameDecoder().push(encodeFrame(frame.channel, frame.payload))).toEqual({ frames: [frame] });
      }),
    );
  });

  it("[VGL-13] frames come out the same whole, byte by byte, and split at random points", () => {
    fc.assert(
      fc.property(fc.array(rawFrameArb, { maxLength: 8 }), fc.array(fc.nat(600), { maxLength: 12 }), (frames, cuts) => {
        const stream = concat(frames.map((f) => raw(f.channel, f.payload)));
        const whole = decodeChunks([stream]);
        expect(decodeChunks([...stream].map((b) => Uint8Array.of(b)))).toEqual(whole);
        expect(decodeChunks(split(stream, cuts))).toEqual(whole);
        expect(whole).toEqual({
          frames: frames.filter((f) => f.channel === 0 || f.channel === 4),
          error: undefined,
          buffered: 0,
        });
      }),
    );
  });

  it("[VGL-13] a trailing partial frame waits for the next push", () => {
    fc.assert(
      fc.property(frameArb, frameArb, fc.nat(), (a, b, cutAt) => {
        const second = encodeFrame(b.channel, b.payload);
        const keep = cutAt % second.length; // 0 .. length - 1: always incomplete
        const decoder = new FrameDecoder();
        const first = decoder.push(concat([encodeFrame(a.channel, a.payload), second.subarray(0, keep)]));
        expect(first).toEqual({ frames: [a] });
        expect(decoder.buffered).toBe(keep);
        expect(decoder.push(second.subarray(keep))).toEqual({ frames: [b] });
        expect(decoder.buffered).toBe(0);
      }),
    );
  });

  it("[VGL-2] a frame on another channel is skipped and the stream goes on", () => {
    const stream = bytes("03 00 00 01 01  04 00 07 aa bb cc  02 00 04 13  01 00 ff  02 00 04 1e");
    expect(decodeChunks([stream])).toEqual({
      frames: [
        { channel: 0, payload: bytes("01 01") },
        { channel: 4, payload: bytes("13") },
        { channel: 4, payload: bytes("1e") },
      ],
      error: undefined,
      buffered: 0,
    });
  });

  it("[VGL-2] length 0 closes the stream; the frames before it are kept", () => {
    const out = new FrameDecoder().push(bytes("02 00 04 13  00 00 04 13"));
    expect(out.frames).toEqual([{ channel: 4, payload: bytes("13") }]);
    expect(out.error).toMatchObject({ code: "FRAME_LENGTH_INVALID", fault: "remote", reaction: { action: "close" } });
  });

  it("[VGL-2] length 519 closes the stream as soon as its two bytes arrive; 518 is a frame", () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(bytes("07"))).toEqual({ frames: [] });
    expect(decoder.push(bytes("02"))).toMatchObject({ frames: [], error: { code: "FRAME_LENGTH_INVALID", reaction: { action: "close" } } });
    expect(decoder.buffered).toBe(0);

    const largest = new FrameDecoder().push(raw(0x04, new Uint8Array(517)));
    expect(largest.error).toBeUndefined();
    expect(largest.frames[0]!.payload).toHaveLength(517);
    expect(FRAME_LENGTH_MAX).toBe(518);
    // On an unknown channel too: the length is checked before the channel.
    expect(new FrameDecoder().push(bytes("ff ff 07")).error?.code).toBe("FRAME_LENGTH_INVALID");
  });

  it("[VGL-2] after a bad length the decoder stays closed: later pushes return the same error and no frames", () => {
    const decoder = new FrameDecoder();
    const { error } = decoder.push(bytes("00 00"));
    expect(error).toBeDefined();
    expect(decoder.push(bytes("02 00 04 13"))).toEqual({ frames: [], error });
    expect(decoder.error).toBe(error);
  });

  it("[VGL-2] [VGL-13] the same frames and the same error however a stream with a bad length is split", () => {
    const badLength = fc.oneof(fc.constant(0), fc.integer({ min: 519, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(rawFrameArb, { maxLength: 4 }), badLength, fc.uint8Array({ maxLength: 20 }), fc.array(fc.nat(200)), (frames, length, junk, cuts) => {
        const good = frames.map((f) => raw(f.channel, f.payload));
        const stream = concat([...good, Uint8Array.of(length & 0xff, length >> 8), junk]);
        const whole = decodeChunks([stream]);
        expect(whole.error?.message).toContain(`frame length ${length}`);
        expect(whole.frames).toEqual(frames.filter((f) => f.channel === 0 || f.channel === 4));
        expect(decodeChunks(split(stream, cuts))).toEqual(whole);
        expect(decodeChunks([...stream].map((b) => Uint8Array.of(b)))).toEqual(whole);
      }),
    );
  });

  it("[VGL-13] payloads are copies: reusing the pushed buffer does not change decoded frames", () => {
    const chunk = bytes("02 00 04 13");
    const { frames } = new FrameDecoder().push(chunk);
    chunk.fill(0);
    expect(frames).toEqual([{ channel: 4, payload: bytes("13") }]);
  });
});
