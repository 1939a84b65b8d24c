/**
 * Every golden vector of spec/vectors, one test each, titled with the
 * requirement ids it exercises and its name, checked against this
 * implementation by the same checker the conformance CLI uses. Vectors the
 * implementation is known to fail run as expected failures, with the reason
 * in the title (scripts/vectors/expected-failures.ts).
 */
import { describe, expect, it } from "vitest";
import { EXPECTED_FAILURES } from "../../scripts/vectors/expected-failures.js";
import { checkVector, loadVectors } from "../../src/vectors/index.js";
import { VECTOR_DIR } from "./paths.js";

const files = loadVectors(VECTOR_DIR);

describe("golden vectors", () => {
  it("[ERR-2] [FRAG-1] [HS-1] cover every codec, fragmentation and exchange kind, at least 70 vectors", () => {
    const kinds = new Set(files.flatMap((f) => f.vectors.map((v) => v.kind)));
    expect([...kinds].sort()).toEqual(["ack", "batch", "device-info", "exchange", "fragment", "message", "reassemble"]);
    expect(files.reduce((n, f) => n + f.vectors.length, 0)).toBeGreaterThanOrEqual(70);
  });

  for (const file of files) {
    describe(file.file, () => {
      for (const v of file.vectors) {
        const known = EXPECTED_FAILURES[v.name];
        const title = `${v.requirements.map((r) => `[${r}]`).join(" ")} ${v.name}`;
        (known ? it.fails : it)(known ? `${title} (expected failure: ${known})` : title, () => {
          const r = checkVector(v);
          if (!r.ok) expect(r.actual, `${v.name}: ${r.detail}`).toEqual(r.expected);
          expect(r.ok).toBe(true);
        });
      }
    });
  }
});
