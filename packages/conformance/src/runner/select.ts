/**
 * Which cases run: the filters (--only, --exclude: case ids or requirement
 * ids), the level (SHOULD cases with --strict, or when named by id), and
 * what the capability statement declares (else unsupported [CONF-11]).
 */
import type { Ics } from "../ics/types.js";
import type { Case } from "./case.js";

export interface Selection {
  only: readonly string[];
  exclude: readonly string[];
  strict: boolean;
  ics?: Ics | undefined;
}

export type Planned<T> =
  | { case: Case<T>; run: true }
  | { case: Case<T>; run: false; outcome: "skipped" | "unsupported"; reason: string };

const names = (c: Case<unknown>, ids: readonly string[]) => ids.includes(c.id) || c.cites.some((r) => ids.includes(r));

/** Why the capability statement rules the case out, or undefined. */
export function undeclared(c: Case<unknown>, ics: Ics | undefined): string | undefined {
  if (!ics) return undefined;
  if (!ics.roles.includes(c.role)) return `the ICS does not declare the ${c.role} role`;
  for (const f of c.needs?.features ?? []) if (!ics.features.includes(f)) return `the ICS does not declare the ${f} feature`;
  for (const b of c.needs?.bindings ?? []) if (!ics.bindings.includes(b)) return `the ICS does not declare the ${b} binding`;
  return undefined;
}

export function plan<T>(cases: readonly Case<T>[], s: Selection): Planned<T>[] {
  return cases.map((c): Planned<T> => {
    const skip = (reason: string): Planned<T> => ({ case: c, run: false, outcome: "skipped", reason });
    if (s.only.length > 0 && !names(c, s.only)) return skip("not selected by --only");
    if (names(c, s.exclude)) return skip("excluded by --exclude");
    if (c.level === "SHOULD" && !s.strict && !s.only.includes(c.id)) return skip("a SHOULD-level case: run with --strict");
    const why = undeclared(c, s.ics);
    if (why) return { case: c, run: false, outcome: "unsupported", reason: why };
    return { case: c, run: true };
  });
}

/** Filter entries that name no case and no requirement of these cases: a usage error. */
export function unknownFilters(cases: readonly Case<unknown>[], ids: readonly string[], requirementIds: ReadonlySet<string>): string[] {
  return ids.filter((id) => !cases.some((c) => c.id === id || c.cites.includes(id)) && !requirementIds.has(id));
}
