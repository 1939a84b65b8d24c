/** Escaping in the machine formats: a message never breaks an annotation or the XML. */
import { describe, expect, it } from "vitest";
import { finding } from "../../src/compat/finding.js";
import type { CompatReport } from "../../src/compat/gate.js";
import { githubAnnotation } from "../../src/compat/report-github.js";
import { junitReport } from "../../src/compat/report-junit.js";

const odd = { ...finding({ file: "spec/a,b:c.json", line: 3, location: "#/x", rule: "SCHEMA_PATTERN_CHANGED", severity: "breaking", message: 'pattern "<a&b>" 100%\nnext line', breaks: ["readers"] }), fails: true };

describe("report formats", () => {
  it("github-actions escapes %, newlines, and , : in properties", () => {
    expect(githubAnnotation(odd)).toBe('::error file=spec/a%2Cb%3Ac.json,line=3,title=SCHEMA_PATTERN_CHANGED::#/x: pattern "<a&b>" 100%25%0Anext line (breaks readers)');
  });

  it("a finding without a line annotates the file", () => {
    expect(githubAnnotation({ ...odd, line: undefined, fails: false, severity: "info" })).toMatch(/^::notice file=spec\/a%2Cb%3Ac.json,title=/);
  });

  it("junit escapes XML", () => {
    const report: CompatReport = { spec: { dir: "spec", version: "1.0" }, baseline: { kind: "dir", label: "x<y", version: "1.0" }, verdict: "fail", findings: [odd] };
    const out = junitReport(report);
    expect(out).toContain('message="pattern &quot;&lt;a&amp;b&gt;&quot; 100%\nnext line"');
    expect(out).toContain('name="compat against x&lt;y"');
    expect(out).not.toMatch(/<a&b>/);
  });
});
