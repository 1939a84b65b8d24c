/**
 * What a case saw: its steps and the messages exchanged, each stamped with
 * the time since the case began. A failure's counterexample is built from
 * it unless the case gives its own (a property case gives the shrunk one).
 */
import type { Message } from "@ferry/protocol";
import type { Counterexample, Role, Step, TracedMessage } from "./case.js";
import { summarize } from "./summarize.js";

/** Traces are cut to their last messages: a failure needs the end of the story. */
const MAX_MESSAGES = 400;

export class Trace {
  readonly #clock: () => number;
  #start: number;
  #steps: Step[] = [];
  #messages: TracedMessage[] = [];

  /** `clock`: milliseconds, wall clock by default; a simulation passes its virtual clock. */
  constructor(clock: () => number = () => performance.now()) {
    this.#clock = clock;
    this.#start = clock();
  }

  get atMs(): number {
    return Math.max(0, Math.round(this.#clock() - this.#start));
  }

  step(step: Step): void {
    this.#steps.push(step);
  }

  /** A message or link event between two roles. */
  record(from: Role, to: Role, type: string, summary = ""): void {
    this.#messages.push({ from, to, type, summary, atMs: this.atMs });
    if (this.#messages.length > MAX_MESSAGES) this.#messages.splice(0, this.#messages.length - MAX_MESSAGES);
  }

  /** A Ferry message, summarized in one line. */
  message(from: Role, to: Role, m: Message): void {
    this.record(from, to, m.type, summarize(m));
  }

  /** Forgets everything and restarts the clock: a property case starts each scenario afresh. */
  reset(): void {
    this.#start = this.#clock();
    this.#steps = [];
    this.#messages = [];
  }

  snapshot(): Counterexample {
    return { steps: [...this.#steps], messages: [...this.#messages] };
  }
}
