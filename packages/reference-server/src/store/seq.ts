/**
 * Sequence numbers on disk. A seq is a uint64 [ID-5]; SQLite's INTEGER is a
 * signed 64-bit number, so the store keeps every seq as an 8-byte big-endian
 * BLOB. SQLite compares BLOBs with memcmp, and big-endian unsigned bytes
 * compare like the numbers they hold: ORDER BY, BETWEEN and the primary keys
 * work over the whole range 0 .. 2^64-1 without a sign trick.
 */
import { MAX_U64 } from "@ferry/protocol";

/** The largest sequence number a device may assign [ID-5]; 2^64-1 never is. */
export const MAX_SEQ = MAX_U64 - 1n;

export function seqBlob(seq: bigint): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigUInt64BE(seq);
  return b;
}

export function seqOf(blob: Uint8Array): bigint {
  if (blob.length !== 8) throw new RangeError(`stored seq of ${blob.length} bytes`);
  return Buffer.from(blob.buffer, blob.byteOffset, 8).readBigUInt64BE();
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

/** A plain Uint8Array copy of a Buffer from SQLite, so callers see the interface's type. */
export function bytesOf(blob: Uint8Array): Uint8Array {
  return new Uint8Array(blob);
}
