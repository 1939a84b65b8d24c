/** The JSON Schema walker on shapes the corpus does not cover: cycles, references to other files, branches. */
import { describe, expect, it } from "vitest";
import { diffSchemaFile } from "../../src/compat/schema-diff.js";
import { jsonLines } from "../../src/compat/json-lines.js";

const file = (value: unknown) => {
  const text = JSON.stringify(value, null, 2);
  return { value, lines: jsonLines(text) };
};
const rules = (before: unknown, after: unknown) => diffSchemaFile("schemas/x.schema.json", file(before), file(after)).map((f) => `${f.rule} ${f.location}`).sort();

const tree = (max: number) => ({ $ref: "#/$defs/Node", $defs: { Node: { type: "object", properties: { size: { type: "integer", maximum: max }, children: { type: "array", items: { $ref: "#/$defs/Node" } } } } } });

describe("schema diff", () => {
  it("terminates on a recursive schema and reports the change once, where it is defined", () => {
    expect(rules(tree(10), tree(10))).toEqual([]);
    expect(rules(tree(10), tree(5))).toEqual(["SCHEMA_LIMIT_TIGHTENED #/$defs/Node/properties/size/maximum"]);
  });

  it("does not follow references to other files, and counts a changed one as breaking", () => {
    const s = (ref: string) => ({ type: "object", properties: { ack: { $ref: ref } } });
    expect(rules(s("message.schema.json#/$defs/Ack"), s("message.schema.json#/$defs/Ack"))).toEqual([]);
    expect(rules(s("message.schema.json#/$defs/Ack"), s("message.schema.json#/$defs/Ack2"))).toEqual(["SCHEMA_REF_CHANGED #/properties/ack"]);
  });

  it("a removed anyOf branch is breaking, an added one additive", () => {
    const s = (...types: string[]) => ({ anyOf: types.map((type) => ({ type })) });
    expect(rules(s("string", "integer"), s("string"))).toEqual(["SCHEMA_BRANCH_REMOVED #/anyOf"]);
    expect(rules(s("string"), s("string", "integer"))).toEqual(["SCHEMA_BRANCH_ADDED #/anyOf/1"]);
  });

  it("a removed $defs entry breaks schemas that refer to it", () => {
    expect(rules({ $defs: { a: { type: "string" } } }, { $defs: {} })).toEqual(["SCHEMA_DEF_REMOVED #/$defs"]);
  });

  it("integer to number widens, number to integer narrows", () => {
    expect(rules({ type: "integer" }, { type: "number" })).toEqual(["SCHEMA_TYPE_WIDENED #/type"]);
    expect(rules({ type: "number" }, { type: "integer" })).toEqual(["SCHEMA_TYPE_NARROWED #/type"]);
  });

  it("a then branch under an unchanged if is compared; a changed if counts as breaking", () => {
    const s = (ifConst: string, min: number) => ({ if: { properties: { kind: { const: ifConst } } }, then: { required: ["a"], properties: { a: { minimum: min } } } });
    expect(rules(s("x", 1), s("x", 2))).toEqual(["SCHEMA_LIMIT_TIGHTENED #/then/properties/a/minimum"]);
    expect(rules(s("x", 1), s("y", 1))).toEqual(["SCHEMA_UNCOMPARED_CHANGE #/if"]);
  });

  it("an unknown keyword that changed counts as breaking", () => {
    expect(rules({ dependentRequired: { a: ["b"] } }, { dependentRequired: { a: ["b", "c"] } })).toEqual(["SCHEMA_UNCOMPARED_CHANGE #/dependentRequired"]);
  });

  it("multipleOf: a divisor of the old step loosens, anything else tightens", () => {
    expect(rules({ multipleOf: 4 }, { multipleOf: 2 })).toEqual(["SCHEMA_LIMIT_LOOSENED #/multipleOf"]);
    expect(rules({ multipleOf: 2 }, { multipleOf: 4 })).toEqual(["SCHEMA_LIMIT_TIGHTENED #/multipleOf"]);
  });
});
