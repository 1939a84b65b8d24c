/** Virtual time and the timer queue. */
import { describe, expect, it } from "vitest";
import { Scheduler, VirtualClock } from "../../src/sim/clock.js";

describe("Scheduler", () => {
  it("runs tasks by time, then in the order they were scheduled; cancelled ones never", () => {
    const clock = new VirtualClock();
    const s = new Scheduler(clock);
    const ran: string[] = [];
    s.at(20, () => ran.push("b"));
    s.at(10, () => ran.push("a1"));
    s.at(10, () => ran.push("a2"));
    s.cancel(s.at(15, () => ran.push("never")));
    expect(s.nextAt).toBe(10);
    clock.advanceTo(15);
    s.runDue();
    expect(ran).toEqual(["a1", "a2"]);
    clock.advanceTo(30);
    s.runDue();
    expect(ran).toEqual(["a1", "a2", "b"]);
    expect(s.nextAt).toBeUndefined();
  });

  it("runs tasks scheduled for now by a running task in the same pass; never schedules in the past", () => {
    const clock = new VirtualClock(100);
    const s = new Scheduler(clock);
    const ran: number[] = [];
    s.at(50, () => {
      ran.push(clock.now);
      s.after(0, () => ran.push(-1));
    });
    s.runDue();
    expect(ran).toEqual([100, -1]);
    expect(() => clock.advanceTo(99)).toThrow(RangeError);
  });
});
