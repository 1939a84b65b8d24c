import { describe, expect, it } from "vitest";
import { pairedRatios, repeat, summarize } from "../src/stats.js";

describe("stats", () => {
  it("takes the median, min and max of at least 5 runs", () => {
    expect(summarize([5, 1, 4, 2, 3], "ms")).toEqual({ median: 3, min: 1, max: 5, runs: 5, unit: "ms" });
    expect(summarize([6, 1, 4, 2, 3, 5], "ms").median).toBe(3.5);
  });

  it("refuses fewer than 5 runs and non-finite samples", () => {
    expect(() => summarize([1, 2, 3, 4], "ms")).toThrow(/at least 5/);
    expect(() => summarize([1, 2, 3, 4, Infinity], "ms")).toThrow(/non-finite/);
  });

  it("pairs ratios run by run", () => {
    expect(pairedRatios([2, 6], [1, 3])).toEqual([2, 2]);
    expect(() => pairedRatios([1], [1, 2])).toThrow();
  });

  it("runs warm-ups without recording them", async () => {
    const seen: number[] = [];
    const samples = await repeat(3, (run) => (seen.push(run), run), 2);
    expect(seen).toEqual([-1, -2, 0, 1, 2]);
    expect(samples).toEqual([0, 1, 2]);
  });
});
