/**
 * The simulator's only source of randomness: sfc32 (Chris Doty-Humphrey's
 * Small Fast Counter, 32-bit, from PractRand), seeded from a 64-bit seed the
 * way PractRand seeds it (a = 0, b = low word, c = high word, counter = 1,
 * 12 rounds discarded). Tiny, fast, passes PractRand to terabytes, and the
 * same sequence in any language, so a seed replays a run anywhere.
 *
 * Never Math.random(): a failing simulation is replayed from its seed.
 */
export type Seed = number | bigint;

export class Prng {
  #a = 0;
  #b = 0;
  #c = 0;
  #d = 1;

  constructor(seed: Seed) {
    const s = BigInt.asUintN(64, BigInt(seed));
    this.#b = Number(s & 0xffff_ffffn) | 0;
    this.#c = Number(s >> 32n) | 0;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** The next 32 random bits, as an unsigned integer. */
  u32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (((this.#c << 21) | (this.#c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1), 53 bits. */
  float(): number {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (!(max >= min)) throw new RangeError(`int(${min}, ${max}): max < min`);
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick from an empty list");
    return items[this.int(0, items.length - 1)]!;
  }

  /** An independent generator drawn from this one (one per link, per node...). */
  fork(): Prng {
    return new Prng((BigInt(this.u32()) << 32n) | BigInt(this.u32()));
  }
}
