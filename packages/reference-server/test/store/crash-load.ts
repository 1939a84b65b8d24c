/** What crash-child.ts sends and crash.test.ts checks: shared so both agree. */
export const CRASH_DEVICE = new Uint8Array([0xc0, 0xde]);
export const CRASH_EPOCH = 0x0c0ffee;
export const CRASH_STREAMS = [1, 2, 3] as const;

/** The payload of (stream, seq): 32 bytes, so a wrong or torn row shows. */
export function crashPayload(stream: number, seq: bigint): Uint8Array {
  const b = Buffer.alloc(32, stream);
  b.writeBigUInt64BE(seq, 0);
  b.writeBigUInt64BE(seq ^ 0xa5a5_a5a5_a5a5_a5a5n, 24);
  return new Uint8Array(b);
}

/** A small seeded PRNG (mulberry32): the kill points replay from the seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
