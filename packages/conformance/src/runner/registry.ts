/**
 * Where suites plug in. A suite registers its cases for one role; the CLI
 * runs the cases of the role under test, and with no target it starts each
 * role's registered reference implementation and runs them all.
 *
 *   registerSuite({ name: "device", role: "device", cases: [DEV_FRAG_01, ...] });
 *   registerReference("device", startReferenceDevice);
 *
 * A simulated suite drives in-process simulations of the reference
 * implementations rather than a target: it runs only in the no-target run.
 */
import type { Running, Target, TargetFor } from "../targets/index.js";
import type { Case, Role } from "./case.js";

export interface Suite<R extends Role = Role> {
  name: string;
  role: R;
  /** Runs only against the reference implementations (no target given), never against a vendor's. */
  simulated?: boolean;
  cases: readonly Case<TargetFor<R>>[];
}

export type ReferenceStarter<R extends Role = Role> = () => Promise<Running<TargetFor<R>>>;

export const CASE_ID = /^(DEV|APP|SRV)-[A-Z][A-Z0-9]*-[0-9]{2,3}$/;
const PREFIX: Record<Role, string> = { device: "DEV", app: "APP", server: "SRV" };

const suites: Suite[] = [];
const references = new Map<Role, ReferenceStarter>();

/** Adds a suite; refuses ids that are malformed, of another role, or already taken [CONF-11]. */
export function registerSuite<R extends Role>(suite: Suite<R>): void {
  const taken = new Set(suites.flatMap((s) => s.cases.map((c) => c.id)));
  for (const c of suite.cases) {
    if (!CASE_ID.test(c.id)) throw new Error(`case id ${c.id} is not ROLE-AREA-NN [CONF-11]`);
    if (!c.id.startsWith(`${PREFIX[c.role]}-`) || c.role !== suite.role) throw new Error(`case ${c.id} of role ${c.role} in suite ${suite.name} of role ${suite.role}`);
    if (c.cites.length === 0) throw new Error(`case ${c.id} cites no requirement`);
    if (taken.has(c.id)) throw new Error(`case id ${c.id} registered twice`);
    taken.add(c.id);
  }
  suites.push(suite as unknown as Suite);
}

export function registeredSuites(role?: Role): readonly Suite[] {
  return role === undefined ? suites : suites.filter((s) => s.role === role);
}

/** The cases of a role (or of every role), in registration order. */
export function registeredCases(role?: Role, options: { simulated?: boolean } = {}): Case<Target>[] {
  return registeredSuites(role)
    .filter((s) => options.simulated !== false || !s.simulated)
    .flatMap((s) => s.cases as readonly Case<Target>[]);
}

/** Roles with at least one registered suite. */
export function registeredRoles(): Role[] {
  return (["server", "device", "app"] as const).filter((r) => suites.some((s) => s.role === r));
}

/** How the no-target run starts a role's reference implementation. */
export function registerReference<R extends Role>(role: R, start: ReferenceStarter<R>): void {
  references.set(role, start as unknown as ReferenceStarter);
}

export function referenceFor(role: Role): ReferenceStarter | undefined {
  return references.get(role);
}
