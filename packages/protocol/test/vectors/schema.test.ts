/**
 * spec/schemas/vectors.schema.json describes the vector files exactly: every
 * file validates (its `decoded` forms against the message, batch, ack and
 * device-info schemas), the schema refuses what the loader refuses, and its
 * list of error names is spec/errors.json's.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { ERRORS_JSON, SCHEMA_DIR, VECTOR_DIR } from "./paths.js";

const ID = "https://ferry.dev/schemas/1.0/vectors.schema.json";
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, "utf8"));

function vectorsValidator() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  // The vector schema $refs the message, batch, ack and device-info schemas.
  for (const f of readdirSync(SCHEMA_DIR).filter((n) => n.endsWith(".schema.json"))) ajv.addSchema(readJson(join(SCHEMA_DIR, f)) as object);
  const validate = ajv.getSchema(ID);
  if (!validate) throw new Error(`${ID} not loaded`);
  return validate;
}

const vectorFiles = readdirSync(VECTOR_DIR).filter((f) => f.endsWith(".json")).sort();

describe("vectors.schema.json", () => {
  const validate = vectorsValidator();
  const schema = readJson(join(SCHEMA_DIR, "vectors.schema.json")) as { $defs: { errorName: { enum: string[] } } };

  it.each(vectorFiles)("[ERR-2] spec/vectors/%s validates", (file) => {
    const json = readJson(join(VECTOR_DIR, file)) as { $schema: string; group: string };
    const ok = validate(json);
    expect(validate.errors ?? [], file).toEqual([]);
    expect(ok).toBe(true);
    expect(json.$schema).toBe("../schemas/vectors.schema.json");
    expect(`${json.group}.json`).toBe(file);
  });

  it("[ERR-2] error names are exactly those of spec/errors.json", () => {
    const names = (readJson(ERRORS_JSON) as { errors: { name: string }[] }).errors.map((e) => e.name);
    expect(schema.$defs.errorName.enum).toEqual(names);
  });

  const vector = { name: "x", description: "d", requirements: ["ENV-1"] };
  const file = (v: object) => ({ group: "g", description: "d", vectors: [v] });
  it.each([
    ["uppercase hex", { ...vector, kind: "message", hex: "0A00", decoded: { hello: {} } }],
    ["both decoded and error", { ...vector, kind: "message", hex: "2200", decoded: { ack: {} }, error: "MALFORMED" }],
    ["an unknown error name", { ...vector, kind: "message", hex: "", error: "NOT_AN_ERROR" }],
    ["a decoded form that is not a Message", { ...vector, kind: "message", hex: "2200", decoded: { nope: {} } }],
    ["canonical true", { ...vector, kind: "ack", hex: "", decoded: {}, canonical: true }],
    ["a name that is not kebab-case", { ...vector, name: "Not_Kebab", kind: "ack", hex: "", decoded: {} }],
    ["an MTU below 23", { ...vector, kind: "fragment", mtu: 22, counter: 0, sdu: "2a", fragments: ["80012a"] }],
    ["a counter above 127", { ...vector, kind: "fragment", mtu: 23, counter: 128, sdu: "2a", fragments: ["80012a"] }],
    ["a device on the app-server leg", { ...vector, kind: "exchange", leg: "app-server", steps: [{ from: "device", hex: "2200", decoded: { ack: {} } }] }],
    ["an outcome with both sdu and error", { ...vector, kind: "reassemble", maxMessage: 1, fragments: [""], expect: [{ sdu: "", error: "FRAGMENT_LOST" }] }],
  ])("refuses a vector with %s", (_what, v) => {
    expect(validate(file(v))).toBe(false);
  });
});
