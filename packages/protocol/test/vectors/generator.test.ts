/**
 * The vector files are exactly what scripts/vectors.ts writes from the
 * definitions in scripts/vectors/: a hand edit to a file, or a definition
 * changed without regenerating, fails here (and in CI through --check).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildVectorFiles, serialize } from "../../scripts/vectors/index.js";
import { VECTOR_DIR } from "./paths.js";

describe("vector generator", () => {
  const built = buildVectorFiles();

  it("every vector file matches its definitions (run `tsx scripts/vectors.ts` after changing one)", () => {
    for (const [name, file] of built) {
      expect(readFileSync(join(VECTOR_DIR, name), "utf8"), `spec/vectors/${name} is stale`).toBe(serialize(file));
    }
  });

  it("spec/vectors holds no vector file the generator does not write", () => {
    const onDisk = readdirSync(VECTOR_DIR).filter((f) => f.endsWith(".json")).sort();
    expect(onDisk).toEqual([...built.keys()].sort());
  });
});
