/**
 * The schema files themselves: each compiles in ajv's strict mode, carries
 * its $id, title and descriptions, its examples validate, and the
 * machine-readable spec files (gatt.json, errors.json, version.json) validate
 * against the schemas they name in "$schema".
 */
import { readFileSync, readdirSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { SCHEMA_DIR, SCHEMA_NAMES, schemaId, validate, validateGattTable } from "../../src/schema/index.js";
import type { SchemaName } from "../../src/schema/index.js";

type Json = Record<string, unknown>;
const specFile = (name: string): Json => JSON.parse(readFileSync(new URL(`../${name}`, SCHEMA_DIR), "utf8")) as Json;
const schemaFile = (file: string): Json => JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), "utf8")) as Json;
const files = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith(".schema.json")).sort();

/** Every subschema declared under a `properties` keyword, with its JSON pointer. */
function propertySchemas(schema: unknown, path = ""): [string, Json][] {
  if (typeof schema !== "object" || schema === null) return [];
  return Object.entries(schema as Json).flatMap(([k, v]): [string, Json][] => {
    if (typeof v !== "object" || v === null || k === "examples" || k === "enum" || k === "const") return [];
    // The keys of `properties` and `$defs` are names, their values schemas.
    if (k === "properties" || k === "$defs") {
      return Object.entries(v as Json).flatMap(([name, sub]) => {
        const at = `${path}/${k}/${name}`;
        const own: [string, Json][] = k === "properties" && typeof sub === "object" ? [[at, sub as Json]] : [];
        return [...own, ...propertySchemas(sub, at)];
      });
    }
    return propertySchemas(v, `${path}/${k}`);
  });
}

describe("spec/schemas", () => {
  it("holds exactly the schemas the validation layer loads", () => {
    expect(files).toEqual(SCHEMA_NAMES.map((n) => `${n}.schema.json`).sort());
  });

  it("every schema compiles in strict mode, on its own instance of ajv", () => {
    const ajv = new Ajv2020({ strict: true, strictRequired: true, allErrors: true });
    for (const f of files) ajv.addSchema(schemaFile(f));
    for (const name of SCHEMA_NAMES) expect(() => ajv.getSchema(schemaId(name)), name).not.toThrow();
    // The layer's own instances: refusing and stripping unknown properties.
    for (const name of SCHEMA_NAMES) expect(() => validate(name, {}), name).not.toThrow();
    for (const name of SCHEMA_NAMES) expect(() => validate(name, {}, { unknown: "strip" }), name).not.toThrow();
  });

  it("every schema is draft 2020-12 with its versioned $id, a title and a description", () => {
    for (const name of SCHEMA_NAMES) {
      const s = schemaFile(`${name}.schema.json`);
      expect(s.$schema, name).toBe("https://json-schema.org/draft/2020-12/schema");
      expect(s.$id, name).toBe(`https://ferry.dev/schemas/1.0/${name}.schema.json`);
      expect(typeof s.title, name).toBe("string");
      expect(typeof s.description, name).toBe("string");
    }
  });

  it("every declared property has a description, except in the schemas listed with a reason", () => {
    // Expected failures, listed rather than skipped: when one is fixed this
    // test fails until the entry is removed.
    const undescribed: Partial<Record<SchemaName, string>> = {
      vectors: "vectors.schema.json describes its members in its top-level description, not per property",
    };
    let declared = 0;
    for (const name of SCHEMA_NAMES) {
      const all = propertySchemas(schemaFile(`${name}.schema.json`));
      declared += all.length;
      const missing = all
        .filter(([path, s]) => typeof s.description !== "string" && !/\/(if|then|else|not|anyOf)\//.test(path))
        .map(([path]) => path);
      if (undescribed[name]) expect(missing.length, `${name} is listed as undescribed: remove it from the list`).toBeGreaterThan(0);
      else expect(missing, name).toEqual([]);
    }
    expect(declared).toBeGreaterThan(150);
  });

  it("every example of every schema validates", () => {
    for (const name of SCHEMA_NAMES) {
      for (const example of (schemaFile(`${name}.schema.json`).examples as unknown[] | undefined) ?? []) {
        expect(validate(name, example), name).toEqual({ ok: true });
      }
    }
  });
});

describe("machine-readable spec files", () => {
  const specs: [string, SchemaName][] = [["gatt.json", "gatt"], ["errors.json", "errors"], ["version.json", "version"]];

  it.each(specs)("[VER-1] spec/%s validates against the schema it names", (file, name) => {
    const doc = specFile(file);
    expect(doc.$schema).toBe(`./schemas/${name}.schema.json`);
    expect(validate(name, doc)).toEqual({ ok: true });
  });

  it("[GATT-1] the GATT table refuses a bad UUID, an oversized value, an unknown property and a missing field", () => {
    const gatt = specFile("gatt.json");
    const chars = gatt.characteristics as Json[];
    const withChar = (patch: Json) => ({ ...gatt, characteristics: [{ ...chars[0], ...patch }, ...chars.slice(1)] });
    const bad = [
      withChar({ uuid: "8B6B0002-9136-4BE7-AD60-AA99B5663246" }),
      withChar({ maxLength: 513 }),
      withChar({ properties: ["read", "broadcast"] }),
      withChar({ framing: "chunks" }),
      { ...gatt, extra: true },
      (({ att: _att, ...rest }) => rest)(gatt),
    ];
    for (const doc of bad) expect(validateGattTable(doc).ok).toBe(false);
    expect(validateGattTable(withChar({ maxLength: 600 }))).toEqual({ ok: false, errors: ["/characteristics/0/maxLength: must be <= 512"] });
  });

  it("[ERR-2] the error table refuses duplicate codes, a close code that is not 4000 + code, and a closing error without one", () => {
    const table = specFile("errors.json");
    const errors = table.errors as Json[];
    const dup = { ...table, errors: [...errors, { ...errors[0], name: "OTHER" }] };
    expect(validate("errors", dup).ok).toBe(false);
    const badClose = { ...table, errors: [{ ...errors[0], websocketClose: 4002 }, ...errors.slice(1)] };
    expect(validate("errors", badClose)).toEqual({ ok: false, errors: ["/errors/0/websocketClose: must be 4001 (4000 + code), 1011 or 1013"] });
    const { websocketClose: _c, ...noClose } = errors[0]!;
    expect(validate("errors", { ...table, errors: [noClose, ...errors.slice(1)] })).toEqual({
      ok: false,
      errors: ['/errors/0: missing required property "websocketClose"'],
    });
    expect(validate("errors", { errors: [{ ...errors[0], fault: "peer" }] }).ok).toBe(false);
  });

  it("[VER-1] the version must be consistent: protocol = major.minor, subprotocol ferry.v<major>", () => {
    const v = specFile("version.json");
    expect(validate("version", { ...v, minor: 1 })).toEqual({ ok: false, errors: ['/protocol: must be "1.1" (major.minor)'] });
    expect(validate("version", { ...v, websocketSubprotocol: "ferry.v2" }).ok).toBe(false);
    expect(validate("version", { ...v, protocol: "1.00" }).ok).toBe(false);
    expect(validate("version", { ...v, released: "2026-13-01" }).ok).toBe(false);
  });
});
