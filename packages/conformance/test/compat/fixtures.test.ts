/**
 * The corpus: each fixtures/<name>/ holds a baseline spec tree (before/), a
 * working tree (after/) with only the files that matter, and expected.json
 * (verdict, and the rule ids of every finding). The gate must agree with all.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadBaseline } from "../../src/compat/baseline.js";
import { runCompat } from "../../src/compat/gate.js";
import { textReport } from "../../src/compat/report-text.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

interface Expected {
  description: string;
  verdict: "pass" | "fail";
  rules: string[];
}

const cases = readdirSync(FIXTURES)
  .sort()
  .map((name) => ({ name, expected: JSON.parse(readFileSync(join(FIXTURES, name, "expected.json"), "utf8")) as Expected }));

describe("compatibility corpus", () => {
  it("[VER-8] holds at least 30 spec changes, some passing and some failing", () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(cases.some((c) => c.expected.verdict === "pass")).toBe(true);
    expect(cases.some((c) => c.expected.verdict === "fail")).toBe(true);
  });

  it.each(cases)("[VER-8] [VER-11] [VER-12] $name", ({ name, expected }) => {
    const specDir = join(FIXTURES, name, "after");
    const report = runCompat({ specDir, baseline: loadBaseline(specDir, { dir: join(FIXTURES, name, "before") }), cwd: FIXTURES });
    const rules = [...new Set(report.findings.map((f) => f.rule))].sort();
    const context = `${expected.description}\n${textReport(report)}`;
    expect(rules, context).toEqual([...expected.rules].sort());
    expect(report.verdict, context).toBe(expected.verdict);
  });
});
