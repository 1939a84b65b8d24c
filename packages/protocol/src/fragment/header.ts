/**
 * The byte layout of a BLE fragment header [FRAG-1].
 *
 *   first fragment:  0x80 | counter (7 bits), SDU length (LEB128, 1 or 2 bytes), bytes
 *   continuation:    counter (7 bits, top bit 0), bytes
 *
 * Only layout lives here: reading and writing the flag, the counter and the
 * length field. What a receiver makes of a counter or a bad length is the
 * reassembler's business.
 */
import { GATT } from "../generated/spec.js";

const F = GATT.fragmentation;

/** Top bit of byte 0: set on the first fragment of an SDU. */
export const FIRST_FLAG = 0x80;
/** Counters run modulo 2^counterBits (128). */
export const COUNTER_MODULUS = 2 ** F.counterBits;
export const COUNTER_MASK = COUNTER_MODULUS - 1;
/** Largest SDU the 2-byte length field can declare (16383). */
export const SDU_LENGTH_MAX = F.lengthMax;
/** Header of a continuation fragment: the counter byte alone. */
export const CONTINUATION_HEADER_SIZE = F.continuationHeader;
/** The length field takes at most firstHeaderMax - 1 bytes (2). */
const LENGTH_FIELD_MAX = F.firstHeaderMax - F.continuationHeader;
const VARINT_MORE = 0x80;
const VARINT_BITS = 7;

/** Bytes of the LEB128 length field for an SDU of `sduLength` bytes (1..16383). */
export function lengthFieldSize(sduLength: number): 1 | 2 {
  return sduLength < 1 << VARINT_BITS ? 1 : 2;
}

/** Header bytes of the first fragment of an SDU: 2 below 128 bytes, else 3. */
export function firstHeaderSize(sduLength: number): number {
  return CONTINUATION_HEADER_SIZE + lengthFieldSize(sduLength);
}

/** Writes a first-fragment header at the start of `out`; returns its size. */
export function writeFirstHeader(out: Uint8Array, counter: number, sduLength: number): number {
  out[0] = FIRST_FLAG | (counter & COUNTER_MASK);
  if (lengthFieldSize(sduLength) === 1) {
    out[1] = sduLength;
    return 2;
  }
  out[1] = VARINT_MORE | (sduLength & 0x7f);
  out[2] = sduLength >>> VARINT_BITS;
  return 3;
}

/** Writes a continuation header (the counter byte); returns its size. */
export function writeContinuationHeader(out: Uint8Array, counter: number): number {
  out[0] = counter & COUNTER_MASK;
  return CONTINUATION_HEADER_SIZE;
}

export function isFirst(byte0: number): boolean {
  return (byte0 & FIRST_FLAG) !== 0;
}

export function counterOf(byte0: number): number {
  return byte0 & COUNTER_MASK;
}

/** A first fragment's length field, or why it cannot be read. */
export type LengthField =
  | { ok: true; sduLength: number; headerSize: number }
  | { ok: false; reason: string };

/**
 * Reads the LEB128 length field that follows byte 0 of a first fragment.
 * A 2-byte form of a small value (e.g. 0x85 0x00 = 5) is accepted: the spec
 * bounds the field's size and value, not its minimality; senders write the
 * shortest form.
 */
export function readLengthField(fragment: Uint8Array): LengthField {
  let value = 0;
  for (let i = 0; i < LENGTH_FIELD_MAX; i++) {
    const b = fragment[1 + i];
    if (b === undefined) return { ok: false, reason: "length field unterminated" };
    value |= (b & 0x7f) << (VARINT_BITS * i);
    if ((b & VARINT_MORE) === 0) {
      if (value === 0) return { ok: false, reason: "length 0" };
      return { ok: true, sduLength: value, headerSize: 2 + i };
    }
  }
  return { ok: false, reason: `length field longer than ${LENGTH_FIELD_MAX} bytes` };
}
