/**
 * The example session of chapter 10 (10.6), frame by frame: each decodes to
 * the message its annotation names and re-encodes to the same bytes, and
 * each direction, read as one byte stream, yields the same frames.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { decodeDeviceInfo, decodeMessage } from "../../src/codec/binary.js";
import { Reassembler } from "../../src/fragment/index.js";
import { FrameDecoder, decodeVglFrame, encodeVglMessage, type Frame } from "../../src/vgl/index.js";
import { DEVICE_INFO_HEX, EVENTS_FRAGMENT_HEX, EXAMPLE_SESSION, HELLO_FRAGMENT_HEX, WELCOME_FRAGMENT_HEX } from "./example-session.js";

const CHAPTER = fileURLToPath(new URL("../../../../spec/10-virtual-gatt-link.md", import.meta.url));
const bytes = (hex: string) => Uint8Array.from(hex.trim().split(/\s+/).map((x) => parseInt(x, 16)));
const hexOf = (a: Uint8Array) => [...a].map((x) => x.toString(16).padStart(2, "0")).join(" ");

/** The frames of 10.6 as the chapter prints them: `C→P  hex`, then indented lines of hex only. */
function chapterFrames(): { from: "central" | "peripheral"; hex: string }[] {
  const text = readFileSync(CHAPTER, "utf8");
  const section = text.slice(text.indexOf("## 10.6"));
  const frames: { from: "central" | "peripheral"; hex: string }[] = [];
  const hexOnly = /^\s+((?:[0-9a-f]{2}\s+)*[0-9a-f]{2})\s*$/;
  let current: { from: "central" | "peripheral"; hex: string } | undefined;
  for (const line of section.split("\n")) {
    const start = /^(C→P|P→C)\s+(.*)$/.exec(line);
    if (start) {
      current = { from: start[1] === "C→P" ? "central" : "peripheral", hex: start[2]!.trim() };
      frames.push(current);
      continue;
    }
    const more = hexOnly.exec(line);
    if (current && more) current.hex += ` ${more[1]}`;
    else current = undefined;
  }
  return frames;
}

describe("VGL example session (10.6)", () => {
  it("[VGL-1] the fixture holds the chapter's frames, byte for byte and in order", () => {
    expect(EXAMPLE_SESSION.map(({ from, hex }) => ({ from, hex }))).toEqual(chapterFrames());
  });

  it.each(EXAMPLE_SESSION.map((f, i) => [i, f.message.channel === "att" ? f.message.pdu.type : f.message.control.type, f] as const))(
    "[VGL-1] [VGL-5] frame %i (%s) decodes to its annotation and re-encodes to the same bytes",
    (_i, _type, { hex, message }) => {
      const stream = bytes(hex);
      const { frames, error } = new FrameDecoder().push(stream);
      expect(error).toBeUndefined();
      expect(frames).toHaveLength(1);
      expect(decodeVglFrame(frames[0]!)).toEqual({ ok: true, message });
      expect(hexOf(encodeVglMessage(message))).toBe(hexOf(stream));
    },
  );

  it.each(["central", "peripheral"] as const)("[VGL-13] what the %s sends, as one stream, decodes whole and byte by byte", (from) => {
    const sent = EXAMPLE_SESSION.filter((f) => f.from === from);
    const stream = bytes(sent.map((f) => f.hex).join(" "));
    const whole = new FrameDecoder().push(stream);
    const byByte = new FrameDecoder();
    const frames: Frame[] = [];
    for (const b of stream) frames.push(...byByte.push(Uint8Array.of(b)).frames);
    expect(whole.error).toBeUndefined();
    expect(frames).toEqual(whole.frames);
    expect(whole.frames.map((f) => decodeVglFrame(f))).toEqual(sent.map((f) => ({ ok: true, message: f.message })));
    expect(byByte.buffered).toBe(0);
  });

  it("[VGL-5] the values carry the Ferry messages the annotations describe", () => {
    const info = decodeDeviceInfo(bytes(DEVICE_INFO_HEX));
    expect(info).toMatchObject({ majors: [1], features: 2, deviceId: bytes("d0 0d 00 01"), epoch: 795513283, bufferCapacity: 4096 });
    expect(info.streams.map((s) => [s.stream, s.priority, s.name])).toEqual([
      [1, "critical", "alarm"],
      [2, "bulk", "temperature"],
    ]);
    const sdu = (fragment: string) => {
      const { sdus, errors } = new Reassembler({ maxMessage: 16383 }).push(bytes(fragment));
      expect(errors).toEqual([]);
      return decodeMessage(sdus[0]!);
    };
    expect(sdu(HELLO_FRAGMENT_HEX)).toMatchObject({
      type: "hello",
      hello: { majors: [1], role: "app", features: 2, window: { events: 32, bytes: 8192 }, maxMessage: 16383 },
    });
    const hello = sdu(HELLO_FRAGMENT_HEX);
    expect(hello.type === "hello" && hello.hello.custody.map((c) => [c.stream, c.epoch, c.nextSeq])).toEqual([
      [1, 795513283, 7n],
      [2, 795513283, 120n],
    ]);
    expect(sdu(WELCOME_FRAGMENT_HEX)).toMatchObject({ type: "welcome", welcome: { major: 1, features: 2, window: { events: 4, bytes: 1024 } } });
    expect(sdu(EVENTS_FRAGMENT_HEX)).toMatchObject({
      type: "events",
      events: { stream: 1, firstSeq: 7n, priority: "critical", epoch: 0, payloads: [new TextEncoder().encode("smoke")] },
    });
  });
});
