/**
 * A simulated connection: two SimLinks, one each way, that go down and up
 * together. Going down drops what is in flight both ways, as a lost BLE
 * connection or a dropped socket does.
 */
import type { LinkKnobs, SimLink } from "./link.js";
import type { Simulation } from "./simulation.js";

export class SimConnection<A, B> {
  /** Carries A's messages to B. */
  readonly forward: SimLink<A>;
  /** Carries B's messages to A. */
  readonly backward: SimLink<B>;
  /** How many times the connection came up after going down. */
  generation = 0;

  constructor(
    sim: Simulation,
    toB: (message: A, now: number) => void,
    toA: (message: B, now: number) => void,
    knobs: { forward?: LinkKnobs<A>; backward?: LinkKnobs<B> } = {},
    name = "conn",
  ) {
    this.forward = sim.link(toB, knobs.forward, `${name}>`);
    this.backward = sim.link(toA, knobs.backward, `${name}<`);
  }

  get isUp(): boolean {
    return this.forward.isUp;
  }

  down(): void {
    this.forward.down();
    this.backward.down();
  }

  up(): void {
    if (this.isUp) return;
    this.generation++;
    this.forward.up();
    this.backward.up();
  }
}
