/**
 * The deterministic simulator: one virtual clock, one timer queue, one seeded
 * PRNG, and the nodes under test, polled in the manner of smoltcp
 * (`poll(now)`, `pollAt()`). FoundationDB and TigerBeetle's seeded
 * simulations are the model: a seed and a commit replay any failure.
 *
 * `step()` runs what is due now (tasks, then every node's poll, until
 * quiet), then advances the clock to the next deadline: the next task or
 * the earliest `pollAt()` of a node. `drive()` steps until nothing is
 * scheduled and no node wants time: idle.
 *
 * Nodes are whatever the test needs (a device, an app, a server, or one
 * sender and one receiver); links between them are SimLinks, whose
 * deliveries are tasks.
 */
import { Scheduler, VirtualClock, type Task } from "./clock.js";
import { SimLink, type LinkKnobs } from "./link.js";
import { Prng, type Seed } from "./prng.js";

export interface SimNode {
  readonly name?: string;
  /** Handle whatever is due at `now`: timers, output to send. */
  poll(now: number): void;
  /** When the node next wants poll() without any input; undefined: never. */
  pollAt(): number | undefined;
}

export interface SimulationOptions {
  seed: Seed;
  /** Virtual time at the start, ms. Default 0. */
  start?: number;
  /** Keep a trace of every task run ("<time> <label>"), for replaying a failure by eye. */
  trace?: boolean;
}

export interface DriveOptions {
  /** Stop (not idle) after this many steps: the run did not terminate. Default 100 000. */
  maxSteps?: number;
  /** Stop when virtual time would pass this. */
  until?: number;
}

export interface DriveResult {
  /** Nothing scheduled and no node wants time. */
  idle: boolean;
  steps: number;
  now: number;
}

/** Polls at one instant before the simulation declares a node stuck (it keeps asking for now). */
const MAX_POLLS_PER_INSTANT = 10_000;

export class Simulation {
  readonly seed: Seed;
  readonly clock: VirtualClock;
  readonly scheduler: Scheduler;
  readonly rng: Prng;
  readonly trace: string[] | undefined;
  readonly #nodes: SimNode[] = [];

  constructor(options: SimulationOptions) {
    this.seed = options.seed;
    this.clock = new VirtualClock(options.start ?? 0);
    this.scheduler = new Scheduler(this.clock);
    this.rng = new Prng(options.seed);
    this.trace = options.trace ? [] : undefined;
  }

  get now(): number {
    return this.clock.now;
  }

  addNode<N extends SimNode>(node: N): N {
    this.#nodes.push(node);
    return node;
  }

  /** A one-way link with its own PRNG drawn from the simulation's. */
  link<T>(deliver: (message: T, now: number) => void, knobs: LinkKnobs<T> = {}, name = "link"): SimLink<T> {
    return new SimLink(this.scheduler, this.rng.fork(), deliver, knobs, name);
  }

  at(time: number, run: () => void, label = ""): Task {
    return this.scheduler.at(time, run, label);
  }

  after(delay: number, run: () => void, label = ""): Task {
    return this.scheduler.after(delay, run, label);
  }

  /** The next instant anything is due; undefined when idle. */
  nextDeadline(): number | undefined {
    let t = this.scheduler.nextAt;
    for (const n of this.#nodes) {
      const p = n.pollAt();
      if (p !== undefined && (t === undefined || p < t)) t = p;
    }
    return t;
  }

  /** Settles the current instant, then advances to the next deadline and settles it. False when idle. */
  step(): boolean {
    this.#settle();
    const next = this.nextDeadline();
    if (next === undefined) return false;
    this.clock.advanceTo(Math.max(next, this.now));
    this.#settle();
    return true;
  }

  drive(options: DriveOptions = {}): DriveResult {
    const maxSteps = options.maxSteps ?? 100_000;
    let steps = 0;
    for (; steps < maxSteps; steps++) {
      const next = (this.#settle(), this.nextDeadline());
      if (next === undefined) return { idle: true, steps, now: this.now };
      if (options.until !== undefined && next > options.until) {
        this.clock.advanceTo(Math.max(options.until, this.now));
        this.#settle();
        return { idle: false, steps, now: this.now };
      }
      this.step();
    }
    return { idle: false, steps, now: this.now };
  }

  /** Tasks due now, then every node's poll, again while polling scheduled more for now. */
  #settle(): void {
    for (let polls = 0; ; polls++) {
      if (polls > MAX_POLLS_PER_INSTANT) throw new Error(`simulation stuck at ${this.now}: nodes keep asking for this instant`);
      for (const task of this.scheduler.runDue()) this.trace?.push(`${task.at} ${task.label}`);
      for (const n of this.#nodes) n.poll(this.now);
      const due = this.scheduler.nextAt;
      const wants = this.#nodes.some((n) => {
        const p = n.pollAt();
        return p !== undefined && p <= this.now;
      });
      if ((due === undefined || due > this.now) && !wants) return;
    }
  }
}
