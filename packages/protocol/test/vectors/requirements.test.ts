/**
 * Every requirement id a vector cites is one the spec's chapters define
 * (scripts/spec-index.ts checks ids cited in code and tests; vector files are
 * JSON, so they are checked here).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadVectors } from "../../src/vectors/index.js";
import { VECTOR_DIR } from "./paths.js";

const SPEC_DIR = fileURLToPath(new URL("../../../../spec/", import.meta.url));
/** A requirement is a list item starting with a bold id, as scripts/spec-index.ts reads them. */
const ITEM = /^\s*[-*] \*\*\[([A-Z]+-\d+)\]\*\*/gm;

describe("vector requirement ids", () => {
  it("every id a vector cites is defined in a chapter of spec/", () => {
    const defined = new Set(
      readdirSync(SPEC_DIR)
        .filter((f) => /^\d\d-.*\.md$/.test(f))
        .flatMap((f) => [...readFileSync(join(SPEC_DIR, f), "utf8").matchAll(ITEM)].map((m) => m[1]!)),
    );
    const unknown = loadVectors(VECTOR_DIR).flatMap((f) => f.vectors.flatMap((v) => v.requirements.filter((r) => !defined.has(r)).map((r) => `${v.name}: ${r}`)));
    expect(unknown).toEqual([]);
  });
});
