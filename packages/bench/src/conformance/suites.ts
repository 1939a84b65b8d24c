/**
 * Where the bench finds the conformance toolkit's simulated suites.
 *
 * Not wired yet: @ferry/conformance is building its simulated suites (one
 * per role). Once they exist, this function returns them as
 * SimulatedSuite lists (role, name, cases as functions that run one case
 * against the simulator), and `pnpm bench` measures them. Until then it
 * returns undefined and the report says "not measured": no number is made up.
 */
import type { SimulatedSuite } from "./bench.js";

export async function simulatedSuites(): Promise<SimulatedSuite[] | undefined> {
  return undefined;
}
