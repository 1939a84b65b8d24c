/**
 * The flash image: what a device keeps across power cycles [LIFE-2], in a
 * frame that tells a whole image from a torn or corrupted one.
 *
 *   offset  size  field
 *   0       4     magic "FRDV"
 *   4       2     format version, u16 LE (1)
 *   6       4     body length n, u32 LE
 *   10      n     body: UTF-8 JSON (DurableState, see below)
 *   10+n    4     CRC-32 of bytes 0 .. 10+n-1, u32 LE
 *
 * Anything else (short, wrong magic, unknown version, bad CRC, a body that
 * does not parse or breaks a field rule) decodes as untrustworthy, and the
 * device boots with a new epoch [ID-2]. In the body, 64-bit numbers are
 * decimal strings and bytes are base64.
 */
import type { AccountedRange, CommandOutcome, Reason, SenderState } from "@ferry/protocol";
import { crc32 } from "./crc32.js";

export const IMAGE_MAGIC = new Uint8Array([0x46, 0x52, 0x44, 0x56]); // "FRDV"
export const IMAGE_VERSION = 1;
const HEADER = 10;
const TRAILER = 4;

/** One stream's custody: the core's SenderState [ACK-1] [ID-5]. */
export interface DurableStream {
  stream: number;
  state: SenderState;
}

/** Command ids taken and their outcomes [CMD-9]. */
export interface DurableCommands {
  /** The highest id taken; 0 before the first command. */
  highestId: bigint;
  /** The latest outcomes, oldest first. */
  outcomes: Array<{ id: bigint; outcome: CommandOutcome }>;
}

export interface DurableState {
  deviceId: Uint8Array;
  epoch: number;
  /** The epoch before this one (0: none), so a new draw differs from it [ID-2]. */
  previousEpoch: number;
  streams: DurableStream[];
  commands: DurableCommands;
}

export type ImageDecodeResult = { ok: true; state: DurableState } | { ok: false; reason: string };

export function encodeImage(state: DurableState): Uint8Array {
  const body = new TextEncoder().encode(JSON.stringify(toJson(state)));
  const out = new Uint8Array(HEADER + body.length + TRAILER);
  const view = new DataView(out.buffer);
  out.set(IMAGE_MAGIC, 0);
  view.setUint16(4, IMAGE_VERSION, true);
  view.setUint32(6, body.length, true);
  out.set(body, HEADER);
  view.setUint32(HEADER + body.length, crc32(out.subarray(0, HEADER + body.length)), true);
  return out;
}

export function decodeImage(image: Uint8Array): ImageDecodeResult {
  if (image.length < HEADER + TRAILER) return { ok: false, reason: `image of ${image.length} bytes is truncated` };
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  if (!IMAGE_MAGIC.every((b, i) => image[i] === b)) return { ok: false, reason: "bad magic" };
  const version = view.getUint16(4, true);
  if (version !== IMAGE_VERSION) return { ok: false, reason: `unknown image version ${version}` };
  const length = view.getUint32(6, true);
  if (image.length !== HEADER + length + TRAILER) return { ok: false, reason: `image of ${image.length} bytes, header says ${HEADER + length + TRAILER}` };
  if (view.getUint32(HEADER + length, true) !== crc32(image.subarray(0, HEADER + length))) return { ok: false, reason: "CRC mismatch" };
  try {
    return { ok: true, state: fromJson(JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(image.subarray(HEADER, HEADER + length)))) };
  } catch (e) {
    return { ok: false, reason: `body: ${(e as Error).message}` };
  }
}

// ---- JSON form ----

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

function toJson(s: DurableState): unknown {
  return {
    deviceId: Buffer.from(s.deviceId).toString("hex"),
    epoch: s.epoch,
    previousEpoch: s.previousEpoch,
    streams: s.streams.map(({ stream, state }) => ({
      stream,
      nextSeq: String(state.nextSeq),
      events: state.events.map((e) => ({
        seq: String(e.seq),
        arrival: e.arrival,
        payload: b64(e.payload),
        ...(e.signature && { signature: b64(e.signature) }),
        ...(e.deadline !== undefined && { deadline: e.deadline }),
      })),
      accounted: state.accounted.map((r) => ({ first: String(r.first), last: String(r.last), reason: r.reason })),
    })),
    commands: { highestId: String(s.commands.highestId), outcomes: s.commands.outcomes.map((o) => ({ id: String(o.id), outcome: o.outcome })) },
  };
}

class FieldError extends Error {}

function need(ok: boolean, what: string): void {
  if (!ok) throw new FieldError(what);
}

const u32 = (v: unknown, what: string): number => (need(Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff, what), v as number);
const u64 = (v: unknown, what: string): bigint => {
  need(typeof v === "string" && /^\d{1,20}$/.test(v) && BigInt(v) < 1n << 64n, what);
  return BigInt(v as string);
};
const bytes = (v: unknown, what: string): Uint8Array => {
  need(typeof v === "string" && /^[A-Za-z0-9+/]*={0,2}$/.test(v), what);
  return new Uint8Array(Buffer.from(v as string, "base64"));
};
const list = (v: unknown, what: string): unknown[] => (need(Array.isArray(v), what), v as unknown[]);
const REASONS: readonly Reason[] = ["expired", "overflow", "rejected", "lost"];
const OUTCOMES: readonly CommandOutcome[] = ["received", "executed", "expired", "rejected"];

function fromJson(j: unknown): DurableState {
  need(typeof j === "object" && j !== null, "not an object");
  const o = j as Record<string, unknown>;
  need(typeof o.deviceId === "string" && /^([0-9a-f]{2}){1,16}$/.test(o.deviceId), "deviceId");
  const epoch = u32(o.epoch, "epoch");
  need(epoch !== 0, "epoch 0");
  const streams = list(o.streams, "streams").map((sj, i): DurableStream => {
    const s = sj as Record<string, unknown>;
    const stream = u32(s.stream, `streams[${i}].stream`);
    const events = list(s.events, `stream ${stream} events`).map((ej) => {
      const e = ej as Record<string, unknown>;
      need(e.deadline === undefined || typeof e.deadline === "number", `stream ${stream} deadline`);
      return {
        seq: u64(e.seq, `stream ${stream} seq`),
        arrival: u32(e.arrival, `stream ${stream} arrival`),
        payload: bytes(e.payload, `stream ${stream} payload`),
        ...(e.signature !== undefined && { signature: bytes(e.signature, `stream ${stream} signature`) }),
        ...(e.deadline !== undefined && { deadline: e.deadline as number }),
      };
    });
    const accounted = list(s.accounted, `stream ${stream} accounted`).map((rj): AccountedRange => {
      const r = rj as Record<string, unknown>;
      need(REASONS.includes(r.reason as Reason), `stream ${stream} reason`);
      const range = { first: u64(r.first, `stream ${stream} first`), last: u64(r.last, `stream ${stream} last`), reason: r.reason as Reason };
      need(range.first <= range.last, `stream ${stream} range`);
      return range;
    });
    const nextSeq = u64(s.nextSeq, `stream ${stream} nextSeq`);
    // A counter below what it numbered is exactly the corruption [ID-2] guards against.
    need(events.every((e) => e.seq < nextSeq) && accounted.every((r) => r.last < nextSeq), `stream ${stream} counter below its items`);
    return { stream, state: { nextSeq, events, accounted } };
  });
  const c = o.commands as Record<string, unknown> | undefined;
  need(typeof c === "object" && c !== null, "commands");
  const outcomes = list(c!.outcomes, "command outcomes").map((oj) => {
    const x = oj as Record<string, unknown>;
    need(OUTCOMES.includes(x.outcome as CommandOutcome), "command outcome");
    return { id: u64(x.id, "command id"), outcome: x.outcome as CommandOutcome };
  });
  return {
    deviceId: new Uint8Array(Buffer.from(o.deviceId as string, "hex")),
    epoch,
    previousEpoch: u32(o.previousEpoch, "previousEpoch"),
    streams,
    commands: { highestId: u64(c!.highestId, "highestId"), outcomes },
  };
}
