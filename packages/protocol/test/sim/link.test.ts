/** The faulty link: each knob does what it says, and nothing else. */
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/sim/simulation.js";
import type { LinkKnobs } from "../../src/sim/link.js";

function carry(knobs: LinkKnobs<number>, n = 200, seed = 1) {
  const sim = new Simulation({ seed });
  const got: Array<[number, number]> = [];
  const link = sim.link<number>((m, now) => got.push([m, now]), knobs);
  for (let i = 0; i < n; i++) sim.at(i, () => link.send(i));
  sim.drive();
  return { got: got.map(([m]) => m), times: got.map(([, t]) => t), stats: link.stats };
}

describe("SimLink", () => {
  it("is FIFO and lossless with no knobs, and delays by delayMs", () => {
    const { got, times, stats } = carry({ delayMs: 5 }, 10);
    expect(got).toEqual([...Array(10).keys()]);
    expect(times).toEqual([...Array(10).keys()].map((i) => i + 5));
    expect(stats).toMatchObject({ sent: 10, delivered: 10, lost: 0 });
  });

  it("keeps FIFO order under random delays unless told to reorder", () => {
    expect(carry({ delayMs: [0, 50] }).got).toEqual([...Array(200).keys()]);
    const { got } = carry({ delayMs: [0, 50], reorder: 0.5 });
    expect(got).not.toEqual([...Array(200).keys()]);
    expect([...got].sort((a, b) => a - b)).toEqual([...Array(200).keys()]);
  });

  it("loses and duplicates about as often as asked, deterministically per seed", () => {
    const a = carry({ loss: 0.2, duplicate: 0.1, delayMs: [1, 9] }, 1000);
    expect(a.stats.lost).toBeGreaterThan(120);
    expect(a.stats.lost).toBeLessThan(280);
    expect(a.stats.duplicated).toBeGreaterThan(40);
    expect(a.got.length).toBe(1000 - a.stats.lost + a.stats.duplicated);
    expect(carry({ loss: 0.2, duplicate: 0.1, delayMs: [1, 9] }, 1000)).toEqual(a);
    expect(carry({ loss: 0.2, duplicate: 0.1, delayMs: [1, 9] }, 1000, 2).got).not.toEqual(a.got);
  });

  it("refuses messages above maxSize", () => {
    const { got, stats } = carry({ maxSize: 4, sizeOf: (m) => m }, 10);
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect(stats.oversize).toBe(5);
  });

  it("drops everything in flight when it goes down, and carries nothing until up", () => {
    const sim = new Simulation({ seed: 3 });
    const got: number[] = [];
    const link = sim.link<number>((m) => got.push(m), { delayMs: 10 });
    link.send(1);
    link.send(2);
    sim.at(5, () => link.down());
    sim.at(6, () => link.send(3));
    sim.at(7, () => (link.up(), link.send(4)));
    const r = sim.drive();
    expect(r.idle).toBe(true);
    expect(got).toEqual([4]);
    expect(link.stats).toMatchObject({ sent: 4, delivered: 1, dropped: 3 });
    expect(link.inFlight).toBe(0);
  });
});
