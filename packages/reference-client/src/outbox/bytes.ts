/**
 * A small byte writer and reader for the outbox's records: unsigned varints
 * (numbers and bigints, LEB128 as in protobuf) and length-prefixed bytes.
 * The log's own format, not the wire's: records never leave the phone.
 */

export class ByteWriter {
  #chunks: number[] = [];
  #parts: Uint8Array[] = [];
  #length = 0;

  /** Unsigned varint of a safe integer or a uint64. */
  uint(n: number | bigint): this {
    let v = BigInt(n);
    if (v < 0n) throw new RangeError(`uint ${n} is negative`);
    while (v >= 0x80n) {
      this.#chunks.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.#chunks.push(Number(v));
    return this;
  }

  /** An optional uint: 0 for absent, n + 1 otherwise. */
  optionalUint(n: number | bigint | undefined): this {
    return n === undefined ? this.uint(0) : this.uint(BigInt(n) + 1n);
  }

  bool(b: boolean): this {
    return this.uint(b ? 1 : 0);
  }

  bytes(b: Uint8Array): this {
    this.uint(b.length);
    this.#flush();
    this.#parts.push(b);
    this.#length += b.length;
    return this;
  }

  /** Optional bytes: a presence flag, then the bytes. */
  optionalBytes(b: Uint8Array | undefined): this {
    this.bool(b !== undefined);
    return b === undefined ? this : this.bytes(b);
  }

  string(s: string): this {
    return this.bytes(new TextEncoder().encode(s));
  }

  finish(): Uint8Array {
    this.#flush();
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const p of this.#parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  #flush(): void {
    if (this.#chunks.length === 0) return;
    this.#parts.push(Uint8Array.from(this.#chunks));
    this.#length += this.#chunks.length;
    this.#chunks = [];
  }
}

export class ByteReader {
  readonly #b: Uint8Array;
  #at = 0;

  constructor(bytes: Uint8Array) {
    this.#b = bytes;
  }

  get done(): boolean {
    return this.#at >= this.#b.length;
  }

  bigint(): bigint {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (shift > 63n) throw new RangeError("varint longer than 10 bytes");
      const byte = this.#b[this.#at++];
      if (byte === undefined) throw new RangeError("varint runs past the end of the record");
      v |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return v;
    }
  }

  uint(): number {
    const v = this.bigint();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`uint ${v} is not a safe integer`);
    return Number(v);
  }

  optionalUint(): number | undefined {
    const v = this.uint();
    return v === 0 ? undefined : v - 1;
  }

  optionalBigint(): bigint | undefined {
    const v = this.bigint();
    return v === 0n ? undefined : v - 1n;
  }

  bool(): boolean {
    const v = this.uint();
    if (v > 1) throw new RangeError(`bool ${v}`);
    return v === 1;
  }

  bytes(): Uint8Array {
    const n = this.uint();
    if (this.#at + n > this.#b.length) throw new RangeError(`${n} bytes run past the end of the record`);
    // A plain copy: the log may be read into a Buffer, but records hold their own bytes.
    const out = new Uint8Array(this.#b.subarray(this.#at, this.#at + n));
    this.#at += n;
    return out;
  }

  optionalBytes(): Uint8Array | undefined {
    return this.bool() ? this.bytes() : undefined;
  }

  string(): string {
    return new TextDecoder("utf-8", { fatal: true }).decode(this.bytes());
  }
}
