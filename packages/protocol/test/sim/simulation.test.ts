/** step() and drive(): virtual time moves to the next deadline, and stops when idle. */
import { describe, expect, it } from "vitest";
import { SimConnection } from "../../src/sim/connection.js";
import { Simulation, type SimNode } from "../../src/sim/simulation.js";

/** A node that wants to be polled every `period` ms, `times` times. */
function ticker(period: number, times: number): SimNode & { polls: number[] } {
  let next = period;
  let left = times;
  const polls: number[] = [];
  return {
    polls,
    poll(now) {
      if (left > 0 && now >= next) {
        polls.push(now);
        left--;
        next += period;
      }
    },
    pollAt: () => (left > 0 ? next : undefined),
  };
}

describe("Simulation", () => {
  it("step() advances to the next deadline, a task or a node's pollAt", () => {
    const sim = new Simulation({ seed: 1 });
    const node = sim.addNode(ticker(30, 2));
    const ran: number[] = [];
    sim.at(10, () => ran.push(sim.now));
    expect(sim.step()).toBe(true);
    expect(sim.now).toBe(10);
    expect(sim.step()).toBe(true);
    expect(sim.now).toBe(30);
    expect(node.polls).toEqual([30]);
    expect(sim.step()).toBe(true);
    expect(sim.step()).toBe(false);
    expect(sim.now).toBe(60);
    expect(ran).toEqual([10]);
  });

  it("drive() runs until idle, or stops at `until` or after maxSteps", () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode(ticker(10, 100));
    expect(sim.drive({ until: 95 })).toEqual({ idle: false, steps: 9, now: 95 });
    expect(sim.drive({ maxSteps: 5 })).toMatchObject({ idle: false, steps: 5 });
    expect(sim.drive()).toMatchObject({ idle: true, now: 1000 });
  });

  it("reports a node that keeps asking for the current instant without doing anything", () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode({ poll() {}, pollAt: () => 0 });
    expect(() => sim.drive()).toThrow(/stuck at 0/);
  });

  it("replays exactly from its seed, with a trace to read", () => {
    const run = (seed: number) => {
      const sim = new Simulation({ seed, trace: true });
      const got: number[] = [];
      const conn = new SimConnection<number, number>(sim, (m) => got.push(m), () => {}, { forward: { delayMs: [1, 20], reorder: 0.3, loss: 0.1 } });
      for (let i = 0; i < 50; i++) sim.at(i, () => conn.forward.send(i));
      sim.at(25, () => conn.down());
      sim.at(30, () => conn.up());
      sim.drive();
      return { got, trace: sim.trace, generation: conn.generation };
    };
    expect(run(9)).toEqual(run(9));
    expect(run(9).generation).toBe(1);
    expect(run(9).got).not.toEqual(run(10).got);
  });
});
