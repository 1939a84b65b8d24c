/**
 * The Ferry JSON Schemas (spec/schemas), compiled once by ajv on first use.
 *
 * The schema files are the source of truth and are read from spec/, not
 * copied, so the tests and the spec can never drift apart. Strict mode is on:
 * a schema with an unknown keyword, a keyword without its type, or a
 * `required` naming an undeclared property does not compile.
 */
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ValidateFunction } from "ajv/dist/2020.js";

/** Every schema in spec/schemas, by the file name before `.schema.json`. */
export const SCHEMA_NAMES = [
  "message",
  "envelope",
  "batch",
  "ack",
  "device-info",
  "ics",
  "report",
  "gatt",
  "errors",
  "version",
  "vectors",
] as const;
export type SchemaName = (typeof SCHEMA_NAMES)[number];

export const SCHEMA_DIR = new URL("../../../../spec/schemas/", import.meta.url);
export const SCHEMA_BASE = "https://ferry.dev/schemas/1.0/";

export const schemaId = (name: SchemaName): string => `${SCHEMA_BASE}${name}.schema.json`;

/**
 * How a validator treats properties a schema does not declare: "refuse" them
 * (the form a 1.0 writer produces [HTTP-7]), or "strip" them first, in place,
 * as a receiver that ignores unknown fields does [VER-4].
 */
export type Unknown = "refuse" | "strip";

let schemas: object[] | undefined;
const instances = new Map<Unknown, Ajv2020>();

function readSchemas(): object[] {
  schemas ??= SCHEMA_NAMES.map((name) => {
    const schema = JSON.parse(readFileSync(new URL(`${name}.schema.json`, SCHEMA_DIR), "utf8")) as { $id?: string };
    if (schema.$id !== schemaId(name)) throw new Error(`spec/schemas/${name}.schema.json: $id is ${schema.$id}, expected ${schemaId(name)}`);
    return schema;
  });
  return schemas;
}

function instance(unknown: Unknown): Ajv2020 {
  let a = instances.get(unknown);
  if (a) return a;
  // verbose: errors carry their schema, so messages can use its title.
  // removeAdditional deletes what `additionalProperties: false` refuses; with
  // allErrors it does so everywhere, even where other keywords fail.
  a = new Ajv2020({ strict: true, allErrors: true, verbose: true, removeAdditional: unknown === "strip" });
  // Every schema is added before any is compiled: they $ref each other.
  for (const schema of readSchemas()) a.addSchema(schema);
  instances.set(unknown, a);
  return a;
}

/** The compiled validator of one schema; ajv compiles it on first request and caches it. */
export function validator(name: SchemaName, unknown: Unknown = "refuse"): ValidateFunction {
  const v = instance(unknown).getSchema(schemaId(name));
  if (!v) throw new Error(`schema ${name} is not loaded`);
  return v;
}
