/**
 * JSON Schemas (spec/schemas/*.schema.json), baseline against working tree: a
 * change that refuses a document the baseline accepted breaks the schema's
 * readers. Both schemas are walked side by side from the root and from each
 * `$defs` entry, following `$ref`s within the same file; references to other
 * files are not followed (that file's own diff covers it) and a changed one
 * counts as breaking.
 */
import { finding, type Finding, type Severity } from "./finding.js";
import { lineOf } from "./json-lines.js";
import { compareKeywords, type Schema } from "./schema-keywords.js";
import { isRecord, listFiles, readJson, type JsonFile } from "./spec-files.js";

const SCHEMA_FILE = /\.schema\.json$/;

export function diffSchemas(beforeDir: string, afterDir: string): Finding[] {
  const names = new Set([...listFiles(beforeDir, "schemas", SCHEMA_FILE), ...listFiles(afterDir, "schemas", SCHEMA_FILE)]);
  return [...names].sort().flatMap((name) => diffSchemaFile(`schemas/${name}`, readJson(beforeDir, `schemas/${name}`), readJson(afterDir, `schemas/${name}`)));
}

export function diffSchemaFile(file: string, before: JsonFile | undefined, after: JsonFile | undefined): Finding[] {
  const breaks = [`readers of ${file}`];
  if (!after) return [finding({ file, location: "#", rule: "SCHEMA_REMOVED", severity: "breaking", message: `${file} was removed`, breaks })];
  if (!before) return [finding({ file, line: 1, location: "#", rule: "SCHEMA_ADDED", severity: "additive", message: `${file} was added` })];
  const walk = new SchemaWalk(file, before, after, breaks);
  walk.compare(before.value, after.value, "", "");
  const bDefs = isRecord(before.value) && isRecord(before.value.$defs) ? before.value.$defs : {};
  const aDefs = isRecord(after.value) && isRecord(after.value.$defs) ? after.value.$defs : {};
  for (const [name, schema] of Object.entries(bDefs)) {
    const at = `/$defs/${name}`;
    if (name in aDefs) walk.compare(schema, aDefs[name], at, at);
    else walk.report("/$defs", "SCHEMA_DEF_REMOVED", "breaking", `$defs/${name} was removed; schemas referencing ${file}#${at} no longer resolve`);
  }
  return walk.findings;
}

const LOCAL = (s: Schema) => (typeof s.$ref === "string" && s.$ref.startsWith("#") && !/^#[^/]/.test(s.$ref) ? s.$ref.slice(1) : undefined);

function resolve(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split("/").slice(1)) {
    const token = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    node = isRecord(node) ? node[token] : Array.isArray(node) ? node[Number(token)] : undefined;
  }
  return node;
}

class SchemaWalk {
  readonly findings: Finding[] = [];
  private readonly visited = new Set<string>();
  private readonly reported = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly before: JsonFile,
    private readonly after: JsonFile,
    private readonly breaks: string[],
  ) {}

  report(pointer: string, rule: string, severity: Severity, message: string): void {
    const key = `${rule}|${pointer}|${message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.findings.push(finding({ file: this.file, line: lineOf(this.after.lines, pointer), location: `#${pointer}`, rule, severity, message, breaks: this.breaks }));
  }

  compare(b: unknown, a: unknown, bPtr: string, aPtr: string): void {
    const key = `${bPtr}|${aPtr}`;
    if (this.visited.has(key)) return;
    this.visited.add(key);
    if (a === false && b !== false) return this.report(aPtr, "SCHEMA_NOW_FALSE", "breaking", "the schema became false: it refuses every document");
    if (b === false) {
      if (a !== false) this.report(aPtr, "SCHEMA_NO_LONGER_FALSE", "additive", "the schema was false and now accepts documents");
      return;
    }
    let bs: Schema = isRecord(b) ? b : {};
    let as: Schema = isRecord(a) ? a : {};
    const bRef = LOCAL(bs);
    const aRef = LOCAL(as);
    if (bRef !== undefined && aRef !== undefined) {
      // Both refer within their file: compare the targets where they are defined.
      this.compare(resolve(this.before.value, bRef), resolve(this.after.value, aRef), bRef, aRef);
    } else if (bRef !== undefined || aRef !== undefined) {
      // One side inlined what the other refers to: compare the referenced schema in place.
      bs = this.inline(bs, this.before.value);
      as = this.inline(as, this.after.value);
    }
    const bOther = LOCAL(bs) === undefined ? bs.$ref : undefined;
    const aOther = LOCAL(as) === undefined ? as.$ref : undefined;
    if (bOther !== aOther) {
      this.report(aPtr, "SCHEMA_REF_CHANGED", "breaking", `$ref changed from ${String(bOther ?? "none")} to ${String(aOther ?? "none")}; the gate does not follow references to other files`);
    }
    const { $ref: _b, ...bOwn } = bs;
    const { $ref: _a, ...aOwn } = as;
    compareKeywords({
      b: bOwn,
      a: aOwn,
      report: (rule, severity, message, keyword) => this.report(keyword ? `${aPtr}${keyword.startsWith("/") ? "" : "/"}${keyword}` : aPtr, rule, severity, message),
      recurse: (bSub, aSub, suffix) => this.compare(bSub, aSub, bPtr + suffix, aPtr + suffix),
    });
  }

  /** A schema with its local $ref replaced by the target's keywords (its own keywords win). */
  private inline(s: Schema, root: unknown, depth = 0): Schema {
    const ref = LOCAL(s);
    if (ref === undefined || depth > 16) return s;
    const target = resolve(root, ref);
    const { $ref: _ref, ...own } = s;
    return { ...(isRecord(target) ? this.inline(target, root, depth + 1) : {}), ...own };
  }
}
