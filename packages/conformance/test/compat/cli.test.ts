/** `ferry-conformance compat`: options, exit codes and output formats. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { cli, FIXTURES, REPO } from "./helpers.js";

const fixture = (name: string) => ["--spec", join(FIXTURES, name, "after"), "--against-dir", join(FIXTURES, name, "before")];

describe("ferry-conformance compat", () => {
  it("documents every option in --help and exits 0", () => {
    const r = cli(["--help"]);
    expect(r.code).toBe(0);
    for (const option of ["--spec", "--against-release", "--against ", "--against-dir", "--require-changesets", "--format", "--help"]) expect(r.out).toContain(option);
    for (const format of ["text", "json", "junit", "github-actions"]) expect(r.out).toContain(format);
  });

  it.each([
    [["--format", "xml"], "--format"],
    [["--against", "main", "--against-release", "1.0"], "at most one"],
    [["--require-changesets"], "--against REF"],
    [["--no-such-option"], "no-such-option"],
    [["--against-release", "1"], "MAJOR.MINOR"],
    [["--against-release", "9.9"], "no snapshot of release 9.9"],
    [["--spec", "/nonexistent"], "not a spec directory"],
  ])("exits 2 on bad usage: %j", (argv, message) => {
    const r = cli(argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it("exits 2 and says so when buf cannot be found", () => {
    vi.stubEnv("FERRY_BUF", "/nonexistent/buf");
    try {
      const r = cli(fixture("proto-new-optional-field-minor"));
      expect(r.code).toBe(2);
      expect(r.err).toContain("FERRY_BUF=/nonexistent/buf does not exist");
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("[VER-8] exits 0 when correctly versioned and 1 when not", () => {
    expect(cli(fixture("gatt-characteristic-added-minor")).code).toBe(0);
    expect(cli(fixture("gatt-characteristic-added-no-bump")).code).toBe(1);
  });

  it("text: one line per finding with file, line, rule id, location and what changed", () => {
    const r = cli(fixture("gatt-max-length-shrunk"), FIXTURES);
    expect(r.out.split("\n")).toContain(
      "gatt-max-length-shrunk/after/gatt.json:35: GATT_MAX_LENGTH_SHRUNK [breaking, FAILS] characteristics.control.maxLength: characteristic control maxLength shrank from 512 to 244: values the baseline allowed are refused (breaks devices, apps)",
    );
    expect(r.out).toMatch(/FAIL \(2 failing\)\n$/);
  });

  it("json: the report with a summary", () => {
    const report = JSON.parse(cli([...fixture("schema-property-made-required"), "--format", "json"]).out) as { verdict: string; summary: Record<string, number>; findings: { rule: string; fails: boolean; breaks: string[] }[] };
    expect(report.verdict).toBe("fail");
    expect(report.summary).toMatchObject({ breaking: 1, error: 1, failing: 2 });
    expect(report.findings.find((f) => f.rule === "SCHEMA_REQUIRED_ADDED")).toMatchObject({ fails: true, breaks: ["readers of schemas/event.schema.json"] });
  });

  it("junit: a failed test case per failing finding", () => {
    const out = cli([...fixture("req-must-reworded"), "--format", "junit"]).out;
    expect(out).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="ferry-conformance compat" tests="2" failures="2">/);
    expect(out).toContain('<testcase classname="');
    expect(out).toContain('<failure type="REQ_TEXT_CHANGED"');
  });

  it("junit: a compatible spec is one passing test case", () => {
    const out = cli([...fixture("schema-ref-inlined"), "--format", "junit"]).out;
    expect(out).toContain('tests="1" failures="0"');
  });

  it("github-actions: ::error annotations on failing findings, ::warning and ::notice on the others", () => {
    const failing = cli([...fixture("gatt-notify-removed"), "--format", "github-actions"], FIXTURES).out.split("\n");
    expect(failing).toContain("::error file=gatt-notify-removed/after/gatt.json,line=50,title=GATT_PROPERTY_REMOVED::characteristics.uplink.properties: characteristic uplink lost property notify (breaks devices, apps)");
    const passing = cli([...fixture("gatt-characteristic-renamed"), "--format", "github-actions"], FIXTURES).out;
    expect(passing).toMatch(/^::notice file=gatt-characteristic-renamed\/after\/gatt.json,line=63,title=GATT_CHARACTERISTIC_RENAMED::/);
  });

  it("is a subcommand of the ferry-conformance CLI, with its exit code", () => {
    const main = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
    const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
    const run = (...argv: string[]) => spawnSync(tsx, ["--conditions=source", main, ...argv], { cwd: REPO, encoding: "utf8" });
    const help = run("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("ferry-conformance compat [options]");
    expect(run("compat", ...fixture("proto-new-optional-field-no-bump")).status).toBe(1);
  });
});
