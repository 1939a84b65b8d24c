/**
 * VGL framing (10.1): `length (u16 LE) | channel (u8) | payload`, where
 * `length` counts the channel byte and the payload, so a frame takes
 * length + 2 bytes of the stream.
 *
 * `encodeFrame` is pure. `FrameDecoder` is the receiving side: it reassembles
 * frames from any split of the byte stream [VGL-13], skips frames on channels
 * it does not know, and stops for good at a length it cannot trust [VGL-2].
 */
import { VglError, localVglError } from "./errors.js";

/** Channel 0x00 carries link control (10.2), 0x04 one ATT PDU (the ATT fixed channel of L2CAP). */
export const VGL_CHANNEL = { LINK_CONTROL: 0x00, ATT: 0x04 } as const;
export type VglChannel = (typeof VGL_CHANNEL)[keyof typeof VGL_CHANNEL];

/** Bytes before the channel: the u16 length. */
export const FRAME_LENGTH_SIZE = 2;
/** The largest `length`: an ATT PDU of 517 bytes (the largest MTU) plus the channel byte [VGL-1]. */
export const FRAME_LENGTH_MAX = 518;
/** The largest payload of a frame (517). */
export const FRAME_PAYLOAD_MAX = FRAME_LENGTH_MAX - 1;

export interface Frame {
  channel: VglChannel;
  /** The payload after the channel byte: a link-control message or one ATT PDU. */
  payload: Uint8Array;
}

export function isVglChannel(channel: number): channel is VglChannel {
  return channel === VGL_CHANNEL.LINK_CONTROL || channel === VGL_CHANNEL.ATT;
}

/** The bytes of one frame [VGL-1]. Throws a local VglError for another channel or a payload above 517 bytes. */
export function encodeFrame(channel: number, payload: Uint8Array): Uint8Array {
  if (!isVglChannel(channel)) throw localVglError("CHANNEL_INVALID", `channel ${channel} is neither 0x00 nor 0x04`);
  if (payload.length > FRAME_PAYLOAD_MAX) {
    throw localVglError("FRAME_LENGTH_INVALID", `payload of ${payload.length} bytes exceeds ${FRAME_PAYLOAD_MAX}`);
  }
  const length = payload.length + 1;
  const out = new Uint8Array(FRAME_LENGTH_SIZE + length);
  out[0] = length & 0xff;
  out[1] = length >>> 8;
  out[2] = channel;
  out.set(payload, 3);
  return out;
}

export interface FrameDecodeResult {
  /** Frames completed by this push, in stream order; each payload is a fresh copy. */
  frames: Frame[];
  /** Set when the stream must be closed [VGL-2]; frames before the bad one are still in `frames`. */
  error?: VglError;
}

const EMPTY = new Uint8Array(0);

/**
 * Reassembles frames from a byte stream, however it is chunked [VGL-13]. A
 * partial frame waits for the next push. Frames on channels other than 0x00
 * and 0x04 are skipped [VGL-2]. A `length` of 0 or above 518 is found as soon
 * as its two bytes arrive, before any payload is awaited; the decoder is then
 * closed and every later push returns the same error, since no frame boundary
 * can be trusted again.
 */
export class FrameDecoder {
  #pending: Uint8Array = EMPTY;
  #error: VglError | undefined;

  /** Bytes held of a frame not yet complete (at most 519). */
  get buffered(): number {
    return this.#pending.length;
  }

  /** The error that closed the decoder, if any. */
  get error(): VglError | undefined {
    return this.#error;
  }

  push(chunk: Uint8Array): FrameDecodeResult {
    if (this.#error) return { frames: [], error: this.#error };
    const buf = concat(this.#pending, chunk);
    const frames: Frame[] = [];
    let at = 0;
    while (buf.length - at >= FRAME_LENGTH_SIZE) {
      const length = buf[at]! | (buf[at + 1]! << 8);
      if (length === 0 || length > FRAME_LENGTH_MAX) {
        this.#error = new VglError("FRAME_LENGTH_INVALID", `frame length ${length} is outside 1..${FRAME_LENGTH_MAX}`, {
          action: "close",
        });
        this.#pending = EMPTY;
        return { frames, error: this.#error };
      }
      const end = at + FRAME_LENGTH_SIZE + length;
      if (buf.length < end) break;
      const channel = buf[at + FRAME_LENGTH_SIZE]!;
      // Unknown channels are left for later versions of the VGL: skipped, not fatal.
      if (isVglChannel(channel)) frames.push({ channel, payload: buf.slice(at + FRAME_LENGTH_SIZE + 1, end) });
      at = end;
    }
    this.#pending = at === buf.length ? EMPTY : buf.slice(at);
    return { frames };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
