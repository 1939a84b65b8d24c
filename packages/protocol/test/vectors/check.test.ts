/**
 * The checker is not vacuous: a vector that this implementation disagrees
 * with in any field fails, with what was expected and what happened. And the
 * loader refuses files it could misread.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkVector,
  loadVectors,
  parseVectorFile,
  VectorFileError,
  type DecodeVector,
  type ExchangeVector,
  type FragmentVector,
  type ReassembleVector,
  type RefuseVector,
  type Vector,
} from "../../src/vectors/index.js";
import { VECTOR_DIR } from "./paths.js";

const all = new Map(loadVectors(VECTOR_DIR).flatMap((f) => f.vectors.map((v) => [v.name, v] as const)));
/** A copy of the vector called `name`, to tamper with. */
function named<T extends Vector>(name: string): T {
  const v = all.get(name);
  if (!v) throw new Error(`no vector ${name}`);
  return structuredClone(v) as T;
}

describe("checkVector reports disagreement", () => {
  it("[ENV-7] bytes that decode to something else", () => {
    const v = named<DecodeVector>("events-minimal");
    const r = checkVector({ ...v, hex: "1a0332012b" });
    expect(r).toMatchObject({ ok: false, detail: "decoding the bytes", actual: { events: { payloads: ["Kw=="] } } });
  });

  it("[ENV-7] a decoded form that encodes to other bytes (a non-canonical hex not marked so)", () => {
    const v = named<DecodeVector>("unknown-field-ignored");
    delete v.canonical;
    expect(checkVector(v)).toMatchObject({ ok: false, detail: "encoding the decoded form", actual: "1a03320141" });
  });

  it("[ERR-2] an expected error that is not the one raised, or none at all", () => {
    const v = named<RefuseVector>("malformed-truncated-varint");
    expect(checkVector({ ...v, error: "INVALID_FIELD" })).toMatchObject({ ok: false, expected: { error: "INVALID_FIELD" }, actual: { error: "MALFORMED" } });
    expect(checkVector({ ...v, hex: "2200" })).toMatchObject({ ok: false, actual: { decoded: { ack: {} } } });
  });

  it("[ENV-8] max_message is applied", () => {
    const v = named<DecodeVector>("message-at-max-message");
    expect(checkVector({ ...v, maxMessage: (v.maxMessage ?? 0) - 1 })).toMatchObject({ ok: false, actual: { error: "MESSAGE_TOO_LARGE" } });
  });

  it("[FRAG-1] fragments that differ from the sender's, and a wrong starting counter", () => {
    const v = named<FragmentVector>("fragment-counter-wrap");
    expect(checkVector({ ...v, counter: 125 }).ok).toBe(false);
    expect(checkVector({ ...v, fragments: v.fragments.slice(1) }).ok).toBe(false);
  });

  it("[FRAG-1] a receiver outcome missing, extra or out of order", () => {
    const v = named<ReassembleVector>("fragment-lost-whole-sdu");
    expect(checkVector({ ...v, expect: v.expect.slice(1) }).ok).toBe(false);
    expect(checkVector({ ...v, expect: [...v.expect].reverse() }).ok).toBe(false);
  });

  it("[HS-1] an exchange step that does not match, or a party foreign to the leg", () => {
    const v = named<ExchangeVector>("app-server-fresh-session");
    const steps = v.steps.map((s) => ({ ...s }));
    steps[1]!.hex = steps[1]!.hex.slice(0, -2);
    expect(checkVector({ ...v, steps })).toMatchObject({ ok: false, detail: expect.stringContaining("step 2 (from server)") });
    expect(checkVector({ ...v, steps: [{ ...v.steps[0]!, from: "device" }] })).toMatchObject({ ok: false, detail: expect.stringContaining("party") });
  });
});

describe("parseVectorFile and loadVectors refuse what they could misread", () => {
  const base = { name: "a-vector", description: "d", requirements: ["ENV-1"] };
  const file = (...vectors: object[]) => ({ $schema: "../schemas/vectors.schema.json", group: "g", description: "d", vectors });

  it.each([
    ["an unknown kind", { ...base, kind: "mystery", hex: "" }],
    ["odd-length hex", { ...base, kind: "message", hex: "2", decoded: {} }],
    ["neither decoded nor error", { ...base, kind: "message", hex: "2200" }],
    ["an error name not in spec/errors.json", { ...base, kind: "message", hex: "", error: "OOPS" }],
    ["a requirement id of the wrong form", { ...base, requirements: ["env1"], kind: "ack", hex: "", decoded: {} }],
    ["an exchange step from a party of the other leg", { ...base, kind: "exchange", leg: "app-device", steps: [{ from: "server", hex: "", decoded: {} }] }],
  ])("refuses %s", (_what, v) => {
    expect(() => parseVectorFile(file(v), "f.json")).toThrow(VectorFileError);
  });

  it("refuses a vector name used twice across files", () => {
    const dir = mkdtempSync(join(tmpdir(), "ferry-vectors-"));
    try {
      const v = { ...base, kind: "ack", hex: "", decoded: {} };
      writeFileSync(join(dir, "a.json"), JSON.stringify(file(v)));
      writeFileSync(join(dir, "b.json"), JSON.stringify(file(v)));
      expect(() => loadVectors(dir)).toThrow(/a-vector used in a.json and b.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
