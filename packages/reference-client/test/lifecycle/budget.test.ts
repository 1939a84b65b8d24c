/**
 * Run windows on the simulator's virtual clock: the grace and the wake
 * budget end exactly at their deadline, suspension and termination stop
 * everything hung on the window at once, and the Hello's wake_budget_ms is
 * what is left [LIFE-9].
 */
import { Scheduler, VirtualClock } from "@ferry/protocol/sim";
import { describe, expect, it } from "vitest";
import { AppLifecycle, type LifecycleChange } from "../../src/lifecycle/app-lifecycle.js";
import { Budget, RunEnded, SAFETY_MARGIN_MS } from "../../src/lifecycle/budget.js";
import { schedulerTimers, systemTimers } from "../../src/lifecycle/timers.js";

function sim(start = 0) {
  const clock = new VirtualClock(start);
  const scheduler = new Scheduler(clock);
  const advance = (t: number) => {
    while (scheduler.nextAt !== undefined && scheduler.nextAt <= t) {
      clock.advanceTo(scheduler.nextAt);
      scheduler.runDue();
    }
    clock.advanceTo(t);
  };
  return { clock, scheduler, advance, timers: schedulerTimers(scheduler) };
}

describe("run windows and their budgets", () => {
  it("[LIFE-9] the background grace ends exactly at its deadline: the signal aborts and the app is suspended then", () => {
    const s = sim(100);
    const app = new AppLifecycle({ timers: s.timers });
    app.launch();
    const budget = app.budget!;
    expect(budget.deadline).toBe(Number.POSITIVE_INFINITY);
    expect(s.scheduler.pending).toBe(0); // no timer for an unlimited window
    app.background(5000);
    expect(app.budget).toBe(budget); // the same window goes on, now with a deadline
    expect(budget.deadline).toBe(5100);
    let abortedAt: number | undefined;
    budget.signal.addEventListener("abort", () => (abortedAt = s.clock.now));
    s.advance(5099);
    expect([budget.signal.aborted, app.state, budget.remaining()]).toEqual([false, "background-grace", 1]);
    s.advance(5100);
    expect(abortedAt).toBe(5100);
    expect(app.state).toBe("suspended");
    expect(budget.signal.reason).toBeInstanceOf(RunEnded);
    expect(budget.signal.reason).toMatchObject({ endedBy: "deadline", at: 5100 });
    expect(budget.remaining()).toBe(0);
    expect(app.budget).toBeUndefined();
  });

  it("[LIFE-9] a BLE wake's budget ends exactly at its deadline, and the next wake opens a new window", () => {
    const s = sim(0);
    const app = new AppLifecycle({ timers: s.timers, initial: "suspended" });
    const changes: LifecycleChange[] = [];
    app.onChange((c) => changes.push(c));
    app.wakeByBle(3000);
    const first = app.budget!;
    s.advance(2999);
    expect(first.signal.aborted).toBe(false);
    s.advance(3000);
    expect(first.signal.aborted).toBe(true);
    expect(changes.map((c) => [c.input, c.to, c.at])).toEqual([
      ["ble-wake", "woken", 0],
      ["budget-expired", "suspended", 3000],
    ]);
    s.advance(10_000);
    app.wakeByBle(500);
    expect(app.budget).not.toBe(first);
    expect(app.budget!.deadline).toBe(10_500);
  });

  it("[LIFE-9] launch during the grace lifts the deadline; the old one never fires", () => {
    const s = sim(0);
    const app = new AppLifecycle({ timers: s.timers, initial: "foreground" });
    app.background(1000);
    app.launch();
    s.advance(60_000);
    expect([app.state, app.budget!.signal.aborted, app.budget!.deadline]).toEqual(["foreground", false, Number.POSITIVE_INFINITY]);
  });

  it("[LIFE-5] on suspension, termination, force-quit or reboot, every socket hung on the window closes at once", () => {
    for (const stop of ["suspend", "terminate", "forceQuit", "reboot"] as const) {
      const s = sim(0);
      const app = new AppLifecycle({ timers: s.timers, initial: "suspended" });
      app.wakeByBle(10_000);
      const sockets = new Set(["ws", "http"]);
      app.budget!.signal.addEventListener("abort", () => sockets.clear());
      let heard: LifecycleChange | undefined;
      app.onChange((c) => (heard = c));
      s.advance(4000);
      app[stop]();
      expect(sockets.size, stop).toBe(0);
      expect(heard?.codeRuns, stop).toBe(false);
      expect(heard?.at, stop).toBe(4000);
      s.advance(20_000);
      expect(heard?.at, stop).toBe(4000); // the old deadline fired nothing
    }
  });

  it("[LIFE-9] wake_budget_ms is what is left in background-grace or woken, 0 in the foreground; no new exchange under the margin", () => {
    const s = sim(0);
    const app = new AppLifecycle({ timers: s.timers, initial: "suspended" });
    app.wakeByBle(4200);
    expect(app.wakeBudgetMs()).toBe(4200);
    s.advance(3300);
    expect(app.wakeBudgetMs()).toBe(900);
    expect(app.budget!.mayStart()).toBe(false);
    expect(app.budget!.mayStart(500)).toBe(true);
    expect(SAFETY_MARGIN_MS).toBe(1000);
    app.launch();
    expect(app.wakeBudgetMs()).toBe(0);
    expect(app.budget!.mayStart()).toBe(true);
  });

  it("[LIFE-9] a Budget on real timers aborts once its deadline passes", async () => {
    const timers = systemTimers();
    let fired = 0;
    const budget = new Budget(timers, timers.now() + 5, () => fired++);
    await new Promise<void>((resolve) => budget.signal.addEventListener("abort", () => resolve()));
    expect([fired, budget.ended, budget.remaining()]).toEqual([1, true, 0]);
  });
});
