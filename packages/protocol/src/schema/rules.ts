/**
 * Rules that JSON Schema cannot express because they compare two values:
 * checked after the schema passed, so the value has the schema's shape.
 * Each schema's description names the rules it leaves to this file.
 */
import type { SchemaName } from "./load.js";

type Rule = (value: never) => string[];

interface Version { protocol: string; major: number; minor: number; websocketSubprotocol: string }
interface ErrorTable { errors: { code: number; name: string; websocketClose?: number }[] }
interface Ics { limits: { maxStreams?: number }; streams?: { stream: number }[] }
interface Report {
  ics?: Ics | string;
  summary: Record<"passed" | "failed" | "unsupported" | "skipped", number>;
  cases: { id: string; outcome: "pass" | "fail" | "unsupported" | "skipped"; requirements: string[] }[];
  coverage: Record<string, string[]>;
}

/** Paths of items whose key repeats an earlier item's. */
function duplicates<T>(items: readonly T[], key: (t: T) => unknown, path: (i: number) => string, what: string): string[] {
  const seen = new Map<unknown, number>();
  return items.flatMap((item, i) => {
    const k = key(item);
    const first = seen.get(k);
    if (first === undefined) { seen.set(k, i); return []; }
    return [`${path(i)}: duplicate ${what} ${JSON.stringify(k)} (also at ${path(first)})`];
  });
}

function version(v: Version): string[] {
  const out: string[] = [];
  if (v.protocol !== `${v.major}.${v.minor}`) out.push(`/protocol: must be "${v.major}.${v.minor}" (major.minor)`);
  if (v.websocketSubprotocol !== `ferry.v${v.major}`) out.push(`/websocketSubprotocol: must be "ferry.v${v.major}"`);
  return out;
}

function errorTable(t: ErrorTable): string[] {
  const at = (i: number) => `/errors/${i}`;
  const out = [...duplicates(t.errors, (e) => e.code, at, "code"), ...duplicates(t.errors, (e) => e.name, at, "name")];
  t.errors.forEach((e, i) => {
    const prev = t.errors[i - 1];
    if (prev && prev.code >= e.code) out.push(`${at(i)}/code: codes must be in ascending order`);
    const close = e.websocketClose;
    if (close !== undefined && close !== 1011 && close !== 1013 && close !== 4000 + e.code)
      out.push(`${at(i)}/websocketClose: must be ${4000 + e.code} (4000 + code), 1011 or 1013`);
  });
  return out;
}

function ics(s: Ics): string[] {
  const streams = s.streams ?? [];
  const out = duplicates(streams, (x) => x.stream, (i) => `/streams/${i}/stream`, "stream");
  const max = s.limits.maxStreams;
  if (max !== undefined && streams.length > max) out.push(`/streams: declares ${streams.length} streams, more than limits.maxStreams ${max}`);
  return out;
}

function report(r: Report): string[] {
  const out = duplicates(r.cases, (c) => c.id, (i) => `/cases/${i}/id`, "case id");
  if (typeof r.ics === "object") out.push(...ics(r.ics).map((e) => `/ics${e}`));
  const counts = { passed: "pass", failed: "fail", unsupported: "unsupported", skipped: "skipped" } as const;
  for (const [field, outcome] of Object.entries(counts)) {
    const n = r.cases.filter((c) => c.outcome === outcome).length;
    if (r.summary[field as keyof typeof counts] !== n) out.push(`/summary/${field}: must be ${n}, the number of cases with outcome "${outcome}"`);
  }
  // Coverage is the inverse of the cases' requirement lists; a requirement
  // may also be listed with no case, to show it is not covered.
  const cases = new Map(r.cases.map((c) => [c.id, c]));
  for (const [req, ids] of Object.entries(r.coverage)) {
    for (const id of ids) {
      const c = cases.get(id);
      if (!c) out.push(`/coverage/${req}: case ${id} is not in the report`);
      else if (!c.requirements.includes(req)) out.push(`/coverage/${req}: case ${id} does not cite ${req}`);
    }
  }
  r.cases.forEach((c, i) => {
    for (const req of c.requirements)
      if (!(r.coverage[req] ?? []).includes(c.id)) out.push(`/cases/${i}/requirements: ${req} is cited but coverage.${req} does not list ${c.id}`);
  });
  return out;
}

export const RULES: Partial<Record<SchemaName, Rule>> = { version, errors: errorTable, ics, report };
