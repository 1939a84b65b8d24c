import { describe, expect, it } from "vitest";
import { benchConformance, NOT_WIRED } from "../src/conformance/bench.js";

describe("conformance speed", () => {
  it("says not measured, with no figure, when no simulated suite is given", async () => {
    expect(await benchConformance(undefined, { runs: 5, warmup: 0 })).toEqual({ status: "not measured", reason: NOT_WIRED, figures: [] });
    expect((await benchConformance([{ role: "app", name: "empty", cases: [] }], { runs: 5, warmup: 0 })).status).toBe("not measured");
  });

  it("times each suite's cases and counts the executions that threw or failed", async () => {
    let calls = 0;
    const s = await benchConformance(
      [
        {
          role: "device",
          name: "device-sim",
          cases: [
            { name: "ok", run: () => void calls++ },
            { name: "async", run: async () => void calls++ },
            { name: "verdict", run: () => ({ outcome: "fail", requirement: "HS-6" }) },
            {
              name: "broken",
              run: () => {
                throw new Error("fails");
              },
            },
          ],
        },
      ],
      { runs: 5, warmup: 1 },
    );
    expect(s.status).toBe("measured");
    expect(s.figures).toHaveLength(1);
    expect(s.figures[0]).toMatchObject({ role: "device", suite: "device-sim", cases: 4, failures: 10, casesPerSecond: { runs: 5, unit: "cases/s" } });
    expect(calls).toBe(12);
  });
});
