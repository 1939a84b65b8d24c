/**
 * Little-endian byte reading and writing for the VGL's fixed layouts
 * (chapter 10: "Multi-byte integers are little-endian").
 *
 * The reader throws `MalformedBytes` when a field runs past the end; the PDU
 * decoders catch it and turn it into a malformed-PDU result, so peer bytes
 * never escape as an exception. The writer checks ranges and throws a local
 * VglError for values that do not fit their field.
 */
import { localVglError } from "./errors.js";

export class MalformedBytes extends Error {}

export class ByteReader {
  #at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.#at;
  }

  u8(what: string): number {
    if (this.remaining < 1) throw new MalformedBytes(`${what} missing`);
    return this.bytes[this.#at++]!;
  }

  u16(what: string): number {
    if (this.remaining < 2) throw new MalformedBytes(`${what} truncated: needs 2 bytes, has ${this.remaining}`);
    const v = this.bytes[this.#at]! | (this.bytes[this.#at + 1]! << 8);
    this.#at += 2;
    return v;
  }

  take(n: number, what: string): Uint8Array {
    if (this.remaining < n) throw new MalformedBytes(`${what} truncated: needs ${n} bytes, has ${this.remaining}`);
    const out = this.bytes.slice(this.#at, this.#at + n);
    this.#at += n;
    return out;
  }

  /** Everything left, as a fresh copy (a value that runs to the end of the PDU). */
  rest(): Uint8Array {
    return this.take(this.remaining, "rest");
  }

  /** Fixed layouts end exactly: trailing bytes make the PDU malformed. */
  end(what: string): void {
    if (this.remaining !== 0) throw new MalformedBytes(`${what}: ${this.remaining} unexpected trailing bytes`);
  }
}

export class ByteWriter {
  readonly #out: number[] = [];

  u8(v: number, what: string): this {
    checkRange(v, 0xff, what);
    this.#out.push(v);
    return this;
  }

  u16(v: number, what: string): this {
    checkRange(v, 0xffff, what);
    this.#out.push(v & 0xff, v >>> 8);
    return this;
  }

  put(bytes: Uint8Array): this {
    for (const b of bytes) this.#out.push(b);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.#out);
  }
}

function checkRange(v: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw localVglError("FIELD_INVALID", `${what} ${v} is not an integer in 0..${max}`);
}
