import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { reconnectDelay, ReconnectBackoff, RECONNECT_BACKOFF } from "../../src/server-leg/backoff.js";

const SEED = Number(process.env.FERRY_SEED ?? 20261122);

describe("reconnect backoff", () => {
  it("[HS-15] starts at 1 s, doubles, caps at 60 s from the seventh attempt", () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 7, 20, 1000].map((n) => reconnectDelay(n, 0.999999999) / 0.999999999);
    expect(ceilings.map((c) => Math.round(c))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000]);
    expect(RECONNECT_BACKOFF).toEqual({ baseMs: 1000, capMs: 60000 });
  });

  it("[HS-15] draws with full jitter: r x min(cap, base x 2^n), in [0, ceiling)", () => {
    fc.assert(
      fc.property(fc.nat(80), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, r) => {
        const d = reconnectDelay(n, r);
        const ceiling = Math.min(60_000, 1000 * 2 ** n);
        expect(d).toBeCloseTo(r * ceiling, 6);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(ceiling);
      }),
      { seed: SEED },
    );
    expect(reconnectDelay(0, 0)).toBe(0);
    expect(() => reconnectDelay(0, 1)).toThrow(RangeError);
    expect(() => reconnectDelay(-1, 0.5)).toThrow(RangeError);
  });

  it("[HS-15] grows with each failed attempt and starts over after a Welcome", () => {
    const b = new ReconnectBackoff();
    expect([0, 1, 2].map(() => b.next("backoff", 0.5))).toEqual([500, 1000, 2000]);
    expect(b.failures).toBe(3);
    b.welcomed();
    expect(b.next("backoff", 0.5)).toBe(500);
  });

  it("[WS-10] after 1001 the first attempt draws from 0 to 1 s; after 4020 from 0 to 60 s", () => {
    const b = new ReconnectBackoff();
    for (let i = 0; i < 5; i++) b.next("backoff", 0.5);
    expect(b.next("resume-soon", 0.5)).toBe(500);
    expect(b.next("longest", 0.5)).toBe(30_000);
    expect(b.next("longest", 0.99)).toBeCloseTo(59_400);
  });

  it("[HS-15] takes its parameters, for simulations with shorter scales", () => {
    const b = new ReconnectBackoff({ baseMs: 10, capMs: 40 });
    expect([0, 1, 2, 3, 4].map(() => b.next("backoff", 0.5))).toEqual([5, 10, 20, 20, 20]);
  });
});
