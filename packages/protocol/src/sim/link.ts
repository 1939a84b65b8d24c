/**
 * A one-way simulated link carrying whole messages, with seeded faults:
 * loss, duplication, delay, reordering, and a size limit (an MTU, or a
 * max_message) that refuses larger messages. Like smoltcp's FaultInjector,
 * it is a faithful stand-in for what cannot run here, with its own tests.
 *
 * Without reordering the link is FIFO: a message never overtakes an earlier
 * one, whatever their delays. `down()` is a lost connection: everything in
 * flight is dropped, and nothing is carried until `up()`.
 */
import type { Scheduler, Task } from "./clock.js";
import type { Prng } from "./prng.js";

export interface LinkKnobs<T = unknown> {
  /** Probability that a message is lost. */
  loss?: number;
  /** Probability that a message arrives twice (the copy later). */
  duplicate?: number;
  /** Transit time in ms: fixed, or uniform in [min, max]. */
  delayMs?: number | readonly [number, number];
  /** Probability that a message ignores FIFO order and may overtake earlier ones. */
  reorder?: number;
  /** Largest message carried; larger ones are refused and counted. */
  maxSize?: number;
  sizeOf?: (message: T) => number;
}

export interface LinkStats {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  /** Dropped because the link was down or went down with them in flight. */
  dropped: number;
  oversize: number;
}

export class SimLink<T> {
  readonly name: string;
  knobs: LinkKnobs<T>;
  readonly stats: LinkStats = { sent: 0, delivered: 0, lost: 0, duplicated: 0, dropped: 0, oversize: 0 };
  readonly #scheduler: Scheduler;
  readonly #rng: Prng;
  readonly #deliver: (message: T, now: number) => void;
  #up = true;
  readonly #inFlight = new Set<Task>();
  /** Latest arrival time given to an in-order message (FIFO). */
  #lastAt = -Infinity;

  constructor(scheduler: Scheduler, rng: Prng, deliver: (message: T, now: number) => void, knobs: LinkKnobs<T> = {}, name = "link") {
    this.#scheduler = scheduler;
    this.#rng = rng;
    this.#deliver = deliver;
    this.knobs = knobs;
    this.name = name;
  }

  get isUp(): boolean {
    return this.#up;
  }

  /** Messages sent and neither delivered nor dropped yet. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  send(message: T): void {
    const k = this.knobs;
    this.stats.sent++;
    if (!this.#up) return void this.stats.dropped++;
    if (k.maxSize !== undefined && k.sizeOf && k.sizeOf(message) > k.maxSize) return void this.stats.oversize++;
    if (this.#rng.chance(k.loss ?? 0)) return void this.stats.lost++;
    const now = this.#scheduler.clock.now;
    let at = now + this.#delay();
    if (!this.#rng.chance(k.reorder ?? 0)) {
      at = Math.max(at, this.#lastAt);
      this.#lastAt = at;
    }
    this.#schedule(message, at);
    if (this.#rng.chance(k.duplicate ?? 0)) {
      this.stats.duplicated++;
      this.#schedule(message, at + this.#delay());
    }
  }

  /** The connection is lost: what is in flight never arrives. */
  down(): void {
    if (!this.#up) return;
    this.#up = false;
    this.stats.dropped += this.#inFlight.size;
    for (const task of this.#inFlight) this.#scheduler.cancel(task);
    this.#inFlight.clear();
    this.#lastAt = -Infinity;
  }

  up(): void {
    this.#up = true;
  }

  #delay(): number {
    const d = this.knobs.delayMs ?? 0;
    return typeof d === "number" ? d : this.#rng.int(d[0], d[1]);
  }

  #schedule(message: T, at: number): void {
    const task = this.#scheduler.at(
      at,
      () => {
        this.#inFlight.delete(task);
        this.stats.delivered++;
        this.#deliver(message, this.#scheduler.clock.now);
      },
      this.name,
    );
    this.#inFlight.add(task);
  }
}
