import { describe, expect, it } from "vitest";
import { DEFAULT_BACKOFF, backoffCeilingMs, backoffDelayMs, withRetryAfter } from "../../src/webhook/backoff.js";

describe("webhook backoff", () => {
  it("doubles the ceiling from 500 ms up to the 60 s cap", () => {
    const ceilings = Array.from({ length: 10 }, (_, i) => backoffCeilingMs(i + 1, DEFAULT_BACKOFF));
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(backoffCeilingMs(10_000, DEFAULT_BACKOFF)).toBe(60_000);
  });

  it("draws the delay uniformly below the ceiling (full jitter)", () => {
    expect(backoffDelayMs(3, () => 0, DEFAULT_BACKOFF)).toBe(0);
    expect(backoffDelayMs(3, () => 0.5, DEFAULT_BACKOFF)).toBe(1000);
    expect(backoffDelayMs(3, () => 0.999_999, DEFAULT_BACKOFF)).toBe(1999);
  });

  it("lets Retry-After (seconds) raise the delay, never past the cap", () => {
    expect(withRetryAfter(100, "3", DEFAULT_BACKOFF)).toBe(3000);
    expect(withRetryAfter(5000, "3", DEFAULT_BACKOFF)).toBe(5000);
    expect(withRetryAfter(100, "86400", DEFAULT_BACKOFF)).toBe(60_000);
    expect(withRetryAfter(100, "Wed, 21 Oct 2015 07:28:00 GMT", DEFAULT_BACKOFF)).toBe(100);
    expect(withRetryAfter(100, undefined, DEFAULT_BACKOFF)).toBe(100);
  });
});
