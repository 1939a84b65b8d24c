/**
 * Generated artefacts never drift from spec/: the codecs and constants in
 * src/generated and the requirement index are regenerated in check mode.
 * The same check runs in CI, so a .proto edit without `pnpm generate` fails.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));

function run(script: string): { ok: boolean; output: string } {
  try {
    const output = execFileSync(tsx, [script, "--check"], { cwd: root, encoding: "utf8", stdio: "pipe" });
    return { ok: true, output };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ""}${err.stderr ?? ""}` };
  }
}

describe("generated from spec/", () => {
  it("[VER-1] codecs and constants in src/generated match spec/proto and spec/*.json", () => {
    const r = run("packages/protocol/scripts/generate.ts");
    expect(r.output).toContain("generated code matches spec/");
    expect(r.ok).toBe(true);
  });

  it("requirement index: no duplicate ids, every cited id exists, index up to date", () => {
    const r = run("scripts/spec-index.ts");
    expect(r.output, r.output).not.toMatch(/^spec: (?!\d+ requirements)/m);
    expect(r.ok).toBe(true);
  });
});
