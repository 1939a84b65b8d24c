/**
 * The app's lifecycle (spec section 1.3) as an explicit API over injected
 * timers: the OS and the user act through the methods, the table of
 * states.ts decides, listeners let the app compose.
 *
 * - A run window (Budget) starts when code starts running and ends when it
 *   stops: on suspension, termination, force-quit and reboot its signal
 *   aborts and the listeners hear of it at once, so every socket closes and
 *   all work stops together; whatever matters is on disk already [LIFE-5].
 * - The background grace and the wake budget end at their deadline on the
 *   injected clock: the app is suspended then (rows 4 and 8) [LIFE-9].
 * - A change out of terminated, force-quit or rebooted starts with empty
 *   memory: the app rebuilds from disk and reconnects its devices first
 *   [LIFE-6] [DHS-9].
 * - An input the OS would not act on (a BLE wake after force-quit) is
 *   ignored and reported; one that cannot happen throws LifecycleError.
 */
import { Budget } from "./budget.js";
import { lifecycleOutcome, STATE_PROPERTIES, type AppState, type LifecycleInput, type LifecycleTransition } from "./states.js";
import type { Timers } from "./timers.js";

export class LifecycleError extends Error {
  readonly state: AppState;
  readonly input: LifecycleInput;

  constructor(state: AppState, input: LifecycleInput, why: string) {
    super(`lifecycle: ${why}`);
    this.name = "LifecycleError";
    this.state = state;
    this.input = input;
  }
}

export interface LifecycleChange {
  input: LifecycleInput;
  from: AppState;
  to: AppState;
  transition: LifecycleTransition;
  at: number;
  /** Code runs in `to`; when false, every socket is closed and all work stopped. */
  codeRuns: boolean;
  /** This change drops the app's memory (to terminated, force-quit, rebooted). */
  memoryLost: boolean;
  /** Code starts in `to` with empty memory: rebuild from disk, reconnect devices first [LIFE-6]. */
  freshStart: boolean;
  /** The run window in force after the change; undefined when code does not run. */
  budget: Budget | undefined;
}

export interface IgnoredInput {
  state: AppState;
  input: LifecycleInput;
  why: string;
  at: number;
}

export interface AppLifecycleOptions {
  timers: Timers;
  /** Default not-running. */
  initial?: AppState;
}

const MEMORY_GONE: readonly AppState[] = ["not-running", "terminated", "force-quit", "rebooted"];

export class AppLifecycle {
  readonly #timers: Timers;
  #state: AppState;
  #budget: Budget | undefined;
  readonly #listeners = new Set<(c: LifecycleChange) => void>();
  readonly #ignoredListeners = new Set<(i: IgnoredInput) => void>();
  /** Inputs ignored so far, for reports. */
  readonly ignored: IgnoredInput[] = [];

  constructor(options: AppLifecycleOptions) {
    this.#timers = options.timers;
    this.#state = options.initial ?? "not-running";
    if (STATE_PROPERTIES[this.#state].codeRuns) this.#budget = this.#newBudget(this.#deadlineFor(this.#state, Number.POSITIVE_INFINITY));
  }

  get state(): AppState {
    return this.#state;
  }

  /** The run window in force, while code runs. */
  get budget(): Budget | undefined {
    return this.#budget;
  }

  get codeRuns(): boolean {
    return STATE_PROPERTIES[this.#state].codeRuns;
  }

  /** [LIFE-9] Hello.wake_budget_ms: the time left in background-grace or woken, 0 otherwise. */
  wakeBudgetMs(): number {
    return this.#state === "foreground" ? 0 : (this.#budget?.wakeBudgetMs() ?? 0);
  }

  onChange(listener: (c: LifecycleChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onIgnored(listener: (i: IgnoredInput) => void): () => void {
    this.#ignoredListeners.add(listener);
    return () => this.#ignoredListeners.delete(listener);
  }

  // ---- inputs, named as the spec's events ---------------------------------

  /** The user opens the app (rows 1, 3, 6, 9, 12). */
  launch(): LifecycleChange | IgnoredInput {
    return this.#input("launch");
  }

  /** The user leaves the app: background grace of `graceMs`, then suspension (rows 2, 4). */
  background(graceMs: number): LifecycleChange | IgnoredInput {
    checkMs("graceMs", graceMs);
    return this.#input("background", graceMs);
  }

  /** The OS suspends the app now: the grace or the wake budget ends early (rows 4, 8). */
  suspend(): LifecycleChange | IgnoredInput {
    return this.#input(this.#state === "woken" ? "budget-expired" : "grace-expired");
  }

  /** A connected device's data wakes the app with `budgetMs` to work (rows 5, 11). */
  wakeByBle(budgetMs: number): LifecycleChange | IgnoredInput {
    checkMs("budgetMs", budgetMs);
    return this.#input("ble-wake", budgetMs);
  }

  /** The OS kills the app (rows 7, 10). */
  terminate(): LifecycleChange | IgnoredInput {
    return this.#input("os-terminate");
  }

  /** The user swipes the app away: no BLE wakes until relaunch (row 13). */
  forceQuit(): LifecycleChange | IgnoredInput {
    return this.#input("force-quit");
  }

  /** The phone restarts (row 14). */
  reboot(): LifecycleChange | IgnoredInput {
    return this.#input("reboot");
  }

  /** The user opens the app after a force-quit or a reboot (row 15). */
  relaunch(): LifecycleChange | IgnoredInput {
    return this.#input("relaunch");
  }

  /**
   * Any input by its spec name (for simulators and the test harness);
   * `ms` is the grace of background and the budget of ble-wake.
   */
  apply(input: LifecycleInput, ms?: number): LifecycleChange | IgnoredInput {
    if (input === "background" || input === "ble-wake") checkMs(input === "background" ? "graceMs" : "budgetMs", ms ?? 0);
    return this.#input(input, ms);
  }

  #input(input: LifecycleInput, ms?: number, endedBy?: string): LifecycleChange | IgnoredInput {
    const from = this.#state;
    const outcome = lifecycleOutcome(from, input);
    const at = this.#timers.now();
    if (outcome.kind === "refused") throw new LifecycleError(from, input, outcome.why);
    if (outcome.kind === "ignored") {
      const ignored: IgnoredInput = { state: from, input, why: outcome.why, at };
      this.ignored.push(ignored);
      for (const l of [...this.#ignoredListeners]) l(ignored);
      return ignored;
    }
    const t = outcome.transition;
    this.#state = t.to;
    const runs = STATE_PROPERTIES[t.to].codeRuns;
    if (!runs) {
      this.#budget?.end(endedBy ?? input);
      this.#budget = undefined;
    } else if (this.#budget && STATE_PROPERTIES[from].codeRuns) {
      this.#budget.moveDeadline(this.#deadlineFor(t.to, ms));
    } else {
      this.#budget = this.#newBudget(this.#deadlineFor(t.to, ms));
    }
    const change: LifecycleChange = {
      input,
      from,
      to: t.to,
      transition: t,
      at,
      codeRuns: runs,
      memoryLost: MEMORY_GONE.includes(t.to) && STATE_PROPERTIES[from].memory === "kept",
      freshStart: runs && MEMORY_GONE.includes(from),
      budget: this.#budget,
    };
    for (const l of [...this.#listeners]) l(change);
    return change;
  }

  #deadlineFor(state: AppState, ms: number | undefined): number {
    if (state === "foreground") return Number.POSITIVE_INFINITY;
    return this.#timers.now() + (ms ?? 0);
  }

  #newBudget(deadline: number): Budget {
    const budget: Budget = new Budget(this.#timers, deadline, () => {
      // The grace or the wake budget is over: the OS suspends the app (rows 4, 8).
      if (this.#budget !== budget) return;
      this.#input(this.#state === "woken" ? "budget-expired" : "grace-expired", undefined, "deadline");
    });
    return budget;
  }
}

function checkMs(name: string, ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`${name} must be a finite number of milliseconds >= 0, got ${ms}`);
}
