/**
 * Keyword by keyword comparison of two JSON Schema nodes (draft 2020-12):
 * does the working tree's node reject a document the baseline's accepted
 * (breaking, for the schema's readers) or accept more (additive)? Each
 * comparison looks at one keyword; subschemas go back to the walker.
 */
import type { Severity } from "./finding.js";
import { escapePointerToken } from "./json-lines.js";
import { isRecord } from "./spec-files.js";

export type Schema = Record<string, unknown>;

export interface SchemaPair {
  b: Schema;
  a: Schema;
  /** Reports at the working tree's node, or at `keyword` below it. */
  report(rule: string, severity: Severity, message: string, keyword?: string): void;
  /** Compares two subschemas; absent ones are passed as `{}` (accepts anything). */
  recurse(b: unknown, a: unknown, suffix: string): void;
}

/** Keywords that change no document's validity, or that the file-level walk handles ($defs). */
export const ANNOTATIONS = new Set(["$schema", "$id", "$comment", "$anchor", "$dynamicAnchor", "$vocabulary", "$defs", "definitions", "title", "description", "examples", "default", "deprecated", "readOnly", "writeOnly", "contentEncoding", "contentMediaType", "contentSchema"]);

const LOWER = ["minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties", "minContains"];
const UPPER = ["maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties", "maxContains"];
const SUBSCHEMA = ["items", "propertyNames", "contains", "not", "if", "then", "else"];
const LISTS = ["allOf", "anyOf", "oneOf", "prefixItems"];

/** Keywords compared here; a change of any other non-annotation keyword is reported as uncompared. */
export const COMPARED = new Set(["$ref", "type", "enum", "const", "required", "properties", "additionalProperties", "patternProperties", "multipleOf", "pattern", "format", "uniqueItems", ...LOWER, ...UPPER, ...SUBSCHEMA, ...LISTS]);

const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
const show = (v: unknown) => JSON.stringify(v);
const prop = (name: string) => `/properties/${escapePointerToken(name)}`;

export function compareKeywords(p: SchemaPair): void {
  compareType(p);
  compareValues(p);
  compareRequired(p);
  compareProperties(p);
  compareLimits(p);
  compareStrings(p);
  compareSubschemas(p);
  compareLists(p);
  for (const k of new Set([...Object.keys(p.b), ...Object.keys(p.a)])) {
    if (COMPARED.has(k) || ANNOTATIONS.has(k) || same(p.b[k], p.a[k])) continue;
    p.report("SCHEMA_UNCOMPARED_CHANGE", "breaking", `${k} changed from ${show(p.b[k])} to ${show(p.a[k])}; the gate cannot tell whether fewer documents pass, so it counts as breaking`, k);
  }
}

function types(s: Schema): string[] | undefined {
  return typeof s.type === "string" ? [s.type] : Array.isArray(s.type) ? s.type.map(String) : undefined;
}

function compareType(p: SchemaPair): void {
  const bt = types(p.b);
  const at = types(p.a);
  const covers = (set: string[] | undefined, t: string) => !set || set.includes(t) || (t === "integer" && set.includes("number"));
  const lost = bt ? bt.filter((t) => !covers(at, t)) : at ? ["any"] : [];
  const gained = at ? at.filter((t) => !covers(bt, t)) : bt ? ["any"] : [];
  if (lost.length > 0) p.report("SCHEMA_TYPE_NARROWED", "breaking", `type narrowed from ${show(p.b.type ?? "any")} to ${show(p.a.type ?? "any")}`, "type");
  if (gained.length > 0) p.report("SCHEMA_TYPE_WIDENED", "additive", `type widened from ${show(p.b.type ?? "any")} to ${show(p.a.type ?? "any")}`, "type");
}

/** enum and const, as a set of allowed values. */
function compareValues(p: SchemaPair): void {
  const values = (s: Schema) => (Array.isArray(s.enum) ? s.enum.map(show) : "const" in s ? [show(s.const)] : undefined);
  const keyword = "enum" in p.a || !("const" in p.a) ? "enum" : "const";
  const bv = values(p.b);
  const av = values(p.a);
  if (!bv && !av) return;
  if (!bv) return p.report("SCHEMA_ENUM_ADDED", "breaking", `values are now restricted to ${av!.join(", ")}`, keyword);
  if (!av) return p.report("SCHEMA_ENUM_REMOVED", "additive", `values are no longer restricted (were ${bv.join(", ")})`);
  for (const v of bv) if (!av.includes(v)) p.report("SCHEMA_ENUM_VALUE_REMOVED", "breaking", `value ${v} is no longer allowed`, keyword);
  for (const v of av) if (!bv.includes(v)) p.report("SCHEMA_ENUM_VALUE_ADDED", "additive", `value ${v} is now allowed`, keyword);
}

function compareRequired(p: SchemaPair): void {
  const names = (s: Schema) => (Array.isArray(s.required) ? s.required.map(String) : []);
  const br = names(p.b);
  const ar = names(p.a);
  for (const n of ar) if (!br.includes(n)) p.report("SCHEMA_REQUIRED_ADDED", "breaking", `property ${n} is now required`, "required");
  for (const n of br) if (!ar.includes(n)) p.report("SCHEMA_REQUIRED_REMOVED", "additive", `property ${n} is no longer required`, "required");
}

function compareProperties(p: SchemaPair): void {
  const bp = isRecord(p.b.properties) ? p.b.properties : {};
  const ap = isRecord(p.a.properties) ? p.a.properties : {};
  // What an undeclared property had to match: additionalProperties, absent meaning anything.
  const bExtra = p.b.additionalProperties ?? {};
  const aExtra = p.a.additionalProperties ?? {};
  for (const [name, schema] of Object.entries(bp)) {
    if (name in ap) p.recurse(schema, ap[name], prop(name));
    else if (aExtra === false) p.report("SCHEMA_PROPERTY_REMOVED", "breaking", `property ${name} was removed and additionalProperties is false: documents carrying it are refused`, "properties");
    else {
      p.report("SCHEMA_PROPERTY_UNDECLARED", "additive", `property ${name} is no longer declared (still allowed by additionalProperties)`, "properties");
      p.recurse(schema, aExtra, prop(name));
    }
  }
  for (const [name, schema] of Object.entries(ap)) {
    if (name in bp) continue;
    p.report("SCHEMA_PROPERTY_ADDED", "additive", `property ${name} was added`, prop(name));
    // An open object accepted any value under that name; the new declaration may refuse some.
    if (bExtra !== false) p.recurse(bExtra, schema, prop(name));
  }
  if (bExtra !== false && aExtra === false) p.report("SCHEMA_ADDITIONAL_PROPERTIES_CLOSED", "breaking", "additionalProperties became false: documents with undeclared properties are refused", "additionalProperties");
  else if (bExtra === false && aExtra !== false) p.report("SCHEMA_ADDITIONAL_PROPERTIES_OPENED", "additive", "additionalProperties is no longer false", "additionalProperties");
  else if ("additionalProperties" in p.b || "additionalProperties" in p.a) p.recurse(bExtra, aExtra, "/additionalProperties");
  const bpp = isRecord(p.b.patternProperties) ? p.b.patternProperties : {};
  const app = isRecord(p.a.patternProperties) ? p.a.patternProperties : {};
  for (const key of new Set([...Object.keys(bpp), ...Object.keys(app)])) {
    if (key in bpp && key in app) p.recurse(bpp[key], app[key], `/patternProperties/${escapePointerToken(key)}`);
    else p.report("SCHEMA_UNCOMPARED_CHANGE", "breaking", `patternProperties ${show(key)} was ${key in app ? "added" : "removed"}; the gate does not compare pattern properties`, "patternProperties");
  }
}

function compareLimits(p: SchemaPair): void {
  for (const [keywords, tighter] of [[LOWER, (b: number, a: number) => a > b], [UPPER, (b: number, a: number) => a < b]] as const) {
    for (const k of keywords) {
      const b = typeof p.b[k] === "number" ? (p.b[k] as number) : undefined;
      const a = typeof p.a[k] === "number" ? (p.a[k] as number) : undefined;
      if (a === b) continue;
      if (b === undefined || (a !== undefined && tighter(b, a))) p.report("SCHEMA_LIMIT_TIGHTENED", "breaking", `${k} tightened from ${b ?? "none"} to ${a}`, k);
      else p.report("SCHEMA_LIMIT_LOOSENED", "additive", `${k} loosened from ${b} to ${a ?? "none"}`, k);
    }
  }
  const b = typeof p.b.multipleOf === "number" ? p.b.multipleOf : undefined;
  const a = typeof p.a.multipleOf === "number" ? p.a.multipleOf : undefined;
  if (a === b) return;
  // Every multiple of b is a multiple of a exactly when a divides b.
  if (a !== undefined && (b === undefined || b % a !== 0)) p.report("SCHEMA_LIMIT_TIGHTENED", "breaking", `multipleOf changed from ${b ?? "none"} to ${a}`, "multipleOf");
  else p.report("SCHEMA_LIMIT_LOOSENED", "additive", `multipleOf changed from ${b} to ${a ?? "none"}`, "multipleOf");
}

/** pattern and format: any change but a removal may refuse a string the baseline allowed. */
function compareStrings(p: SchemaPair): void {
  for (const [k, changed, removed] of [["pattern", "SCHEMA_PATTERN_CHANGED", "SCHEMA_PATTERN_REMOVED"], ["format", "SCHEMA_FORMAT_CHANGED", "SCHEMA_FORMAT_REMOVED"]] as const) {
    if (same(p.b[k], p.a[k])) continue;
    if (p.a[k] === undefined) p.report(removed, "additive", `${k} ${show(p.b[k])} was removed`);
    else p.report(changed, "breaking", `${k} changed from ${show(p.b[k] ?? "none")} to ${show(p.a[k])}`, k);
  }
  if (!p.b.uniqueItems && p.a.uniqueItems) p.report("SCHEMA_UNIQUE_ITEMS_ADDED", "breaking", "items must now be unique", "uniqueItems");
  if (p.b.uniqueItems && !p.a.uniqueItems) p.report("SCHEMA_UNIQUE_ITEMS_REMOVED", "additive", "items no longer need to be unique");
}

function compareSubschemas(p: SchemaPair): void {
  for (const k of ["items", "propertyNames"]) if (k in p.b || k in p.a) p.recurse(p.b[k] ?? {}, p.a[k] ?? {}, `/${k}`);
  // contains, not and a condition restrict when they appear and relax when they go.
  const conditional = (s: Schema) => (s.if === undefined && s.then === undefined && s.else === undefined ? undefined : { if: s.if, then: s.then, else: s.else });
  for (const [k, read] of [["contains", (s: Schema) => s.contains], ["not", (s: Schema) => s.not], ["if", conditional]] as const) {
    const b = read(p.b);
    const a = read(p.a);
    if (same(b, a)) continue;
    if (b === undefined) p.report("SCHEMA_CONSTRAINT_ADDED", "breaking", `a ${k} constraint was added`, k);
    else if (a === undefined) p.report("SCHEMA_CONSTRAINT_REMOVED", "additive", `the ${k} constraint was removed`);
    else if (k === "contains") p.recurse(b, a, "/contains");
    else if (k === "if" && same(p.b.if, p.a.if)) {
      p.recurse(p.b.then ?? {}, p.a.then ?? {}, "/then");
      p.recurse(p.b.else ?? {}, p.a.else ?? {}, "/else");
    } else p.report("SCHEMA_UNCOMPARED_CHANGE", "breaking", `${k} changed; the gate cannot tell whether fewer documents pass, so it counts as breaking`, k);
  }
}

function compareLists(p: SchemaPair): void {
  for (const k of LISTS) {
    const b = Array.isArray(p.b[k]) ? (p.b[k] as unknown[]) : undefined;
    const a = Array.isArray(p.a[k]) ? (p.a[k] as unknown[]) : undefined;
    if (!b && !a) continue;
    if (k !== "prefixItems" && k !== "allOf" && (!b || !a)) {
      if (!b) p.report("SCHEMA_CONSTRAINT_ADDED", "breaking", `${k} was added: documents must now match its branches`, k);
      else p.report("SCHEMA_CONSTRAINT_REMOVED", "additive", `${k} was removed`);
      continue;
    }
    const bl = b ?? [];
    const al = a ?? [];
    for (let i = 0; i < Math.max(bl.length, al.length); i++) {
      if (i < bl.length && i < al.length) p.recurse(bl[i], al[i], `/${k}/${i}`);
      else if (k === "prefixItems") p.recurse(bl[i] ?? p.b.items ?? {}, al[i] ?? p.a.items ?? {}, `/${k}/${i}`);
      else if (k === "allOf") i < al.length ? p.report("SCHEMA_CONSTRAINT_ADDED", "breaking", `allOf gained a constraint`, `${k}/${i}`) : p.report("SCHEMA_CONSTRAINT_REMOVED", "additive", `allOf lost a constraint`, k);
      else i < al.length ? p.report("SCHEMA_BRANCH_ADDED", "additive", `${k} gained a branch`, `${k}/${i}`) : p.report("SCHEMA_BRANCH_REMOVED", "breaking", `${k} lost a branch: documents that matched only it are refused`, k);
    }
  }
}
