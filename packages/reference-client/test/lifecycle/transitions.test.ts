/**
 * The lifecycle table, every state by every input, against the spec's
 * section 1.3.2 written out again here by hand: a transition lands where
 * the spec says, an ignored input changes nothing and is reported, an
 * impossible one throws and changes nothing.
 */
import { Scheduler, VirtualClock } from "@ferry/protocol/sim";
import { describe, expect, it } from "vitest";
import { AppLifecycle, LifecycleError, type IgnoredInput, type LifecycleChange } from "../../src/lifecycle/app-lifecycle.js";
import { APP_STATES, LIFECYCLE_INPUTS, LIFECYCLE_TRANSITIONS, lifecycleMermaid, STATE_PROPERTIES, type AppState, type LifecycleInput } from "../../src/lifecycle/states.js";
import { schedulerTimers } from "../../src/lifecycle/timers.js";

const I = "ignored";
const R = "refused";
type Cell = AppState | typeof I | typeof R;

// Rows: states; columns: launch, background, grace-expired, ble-wake, budget-expired, os-terminate, force-quit, reboot, relaunch.
const SPEC: Record<AppState, Cell[]> = {
  "not-running": ["foreground", R, R, I, R, R, R, "rebooted", R],
  foreground: [I, "background-grace", R, I, R, R, "force-quit", "rebooted", R],
  "background-grace": ["foreground", R, "suspended", I, R, "terminated", "force-quit", "rebooted", R],
  suspended: ["foreground", R, R, "woken", R, "terminated", "force-quit", "rebooted", R],
  woken: ["foreground", R, R, I, "suspended", "terminated", "force-quit", "rebooted", R],
  terminated: ["foreground", R, R, "woken", R, R, "force-quit", "rebooted", R],
  "force-quit": [R, R, R, I, R, R, R, "rebooted", "foreground"],
  rebooted: [R, R, R, I, R, R, R, "rebooted", "foreground"],
};

function lifecycle(initial: AppState) {
  const scheduler = new Scheduler(new VirtualClock(1000));
  return { scheduler, app: new AppLifecycle({ timers: schedulerTimers(scheduler), initial }) };
}

describe("app lifecycle table (spec section 1.3.2)", () => {
  it("[LIFE-5] [LIFE-6] every state by every input: the spec's transition, ignored, or refused", () => {
    expect(Object.keys(SPEC)).toEqual([...APP_STATES]);
    for (const state of APP_STATES) {
      LIFECYCLE_INPUTS.forEach((input, col) => {
        const expected = SPEC[state][col]!;
        const { app } = lifecycle(state);
        const where = `${state} x ${input}`;
        if (expected === R) {
          expect(() => app.apply(input, 1000), where).toThrow(LifecycleError);
          expect(app.state, where).toBe(state);
        } else if (expected === I) {
          const r = app.apply(input, 1000) as IgnoredInput;
          expect(r, where).toMatchObject({ state, input });
          expect(r.why.length, where).toBeGreaterThan(10);
          expect(app.ignored, where).toEqual([r]);
          expect(app.state, where).toBe(state);
        } else {
          const c = app.apply(input, 1000) as LifecycleChange;
          expect([c.from, c.to, app.state], where).toEqual([state, expected, expected]);
          expect(c.codeRuns, where).toBe(STATE_PROPERTIES[expected].codeRuns);
          expect(c.budget !== undefined, where).toBe(c.codeRuns);
        }
      });
    }
  });

  it("[LIFE-5] the table holds one transition per (state, input), each row numbered as in the spec, and draws as a diagram", () => {
    const pairs = LIFECYCLE_TRANSITIONS.map((t) => `${t.from}|${t.on}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(new Set(LIFECYCLE_TRANSITIONS.map((t) => t.row))).toEqual(new Set(Array.from({ length: 15 }, (_, i) => i + 1)));
    const diagram = lifecycleMermaid();
    for (const t of LIFECYCLE_TRANSITIONS) expect(diagram).toContain(`${t.from} --> ${t.to}: ${t.on} (${t.row})`);
  });

  it("[LIFE-5] the methods are the spec's events: launch, background, suspend, wakeByBle, terminate, forceQuit, reboot, relaunch", () => {
    const { app } = lifecycle("not-running");
    const seen: string[] = [];
    app.onChange((c) => seen.push(`${c.input}->${c.to}`));
    app.launch();
    app.background(5000);
    app.suspend();
    app.wakeByBle(3000);
    app.suspend();
    app.terminate();
    app.wakeByBle(3000);
    app.forceQuit();
    app.relaunch();
    app.reboot();
    app.relaunch();
    expect(seen).toEqual([
      "launch->foreground",
      "background->background-grace",
      "grace-expired->suspended",
      "ble-wake->woken",
      "budget-expired->suspended",
      "os-terminate->terminated",
      "ble-wake->woken",
      "force-quit->force-quit",
      "relaunch->foreground",
      "reboot->rebooted",
      "relaunch->foreground",
    ]);
  });

  it("[LIFE-6] a refused input says what happened where, and where it could", () => {
    const { app } = lifecycle("suspended");
    expect(() => app.background(1000)).toThrow(/background cannot happen in suspended; it happens in foreground/);
    expect(() => app.wakeByBle(-1)).toThrow(RangeError);
  });
});

describe("force-quit and the BLE wakes", () => {
  it("[LIFE-5] a force-quit app is not woken by BLE until relaunched: the wake is ignored and reported", () => {
    const { app } = lifecycle("suspended");
    const reported: IgnoredInput[] = [];
    app.onIgnored((i) => reported.push(i));
    const quit = app.forceQuit() as LifecycleChange;
    expect(quit).toMatchObject({ to: "force-quit", memoryLost: true, codeRuns: false });
    expect(app.wakeByBle(3000)).toMatchObject({ state: "force-quit", input: "ble-wake" });
    expect(reported.map((r) => r.why)).toEqual(["the OS does not wake a force-quit app until the user relaunches it"]);
    expect(app.state).toBe("force-quit");
    expect(() => app.launch()).toThrow(LifecycleError); // only relaunch leaves force-quit
    expect(app.relaunch()).toMatchObject({ to: "foreground", freshStart: true });
    app.background(0);
    app.suspend();
    expect(app.wakeByBle(3000)).toMatchObject({ to: "woken", freshStart: false });
  });

  it("[LIFE-5] after a reboot too, BLE wakes are ignored until the user opens the app", () => {
    const { app } = lifecycle("woken");
    app.reboot();
    expect(app.wakeByBle(1000)).toMatchObject({ state: "rebooted" });
    expect(app.relaunch()).toMatchObject({ from: "rebooted", to: "foreground", freshStart: true });
  });

  it("[LIFE-6] a wake from terminated starts with empty memory: rebuild from disk, reconnect the device first", () => {
    const { app } = lifecycle("suspended");
    expect(app.terminate()).toMatchObject({ to: "terminated", memoryLost: true });
    expect(app.wakeByBle(3000)).toMatchObject({ from: "terminated", to: "woken", freshStart: true });
  });
});
