/**
 * `--against REF` in a scratch repository: a branch is compared at its
 * merge-base with HEAD (so changes that landed on the branch since do not
 * count), and package changes need a changeset.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changesetPackages } from "../../src/compat/changesets.js";
import { cli, FIXTURES } from "./helpers.js";

interface Report {
  verdict: string;
  baseline: { label: string };
  findings: { rule: string; severity: string; file: string }[];
}

const repo = mkdtempSync(join(tmpdir(), "ferry-compat-git-"));
const git = (...args: string[]) => execFileSync("git", ["-C", repo, "-c", "user.name=Ferry", "-c", "user.email=ferry@example.invalid", "-c", "commit.gpgsign=false", ...args], { encoding: "utf8" });
const write = (path: string, text: string) => {
  mkdirSync(join(repo, path, ".."), { recursive: true });
  writeFileSync(join(repo, path), text);
};
const run = (...argv: string[]) => {
  const r = cli([...argv, "--format", "json"], repo);
  return { ...r, report: r.out ? (JSON.parse(r.out) as Report) : undefined };
};

beforeAll(() => {
  git("init", "--quiet", "--initial-branch=main");
  cpSync(join(FIXTURES, "gatt-characteristic-added-minor", "before"), join(repo, "spec"), { recursive: true });
  write(".changeset/config.json", "{}\n");
  write("packages/thing/package.json", JSON.stringify({ name: "@example/thing", version: "1.0.0" }));
  write("packages/thing/index.ts", "export const a = 1;\n");
  git("add", ".");
  git("commit", "--quiet", "-m", "1.0");
  git("checkout", "--quiet", "-b", "feature");
  // The feature branch adds a characteristic and bumps to 1.1.
  cpSync(join(FIXTURES, "gatt-characteristic-added-minor", "after"), join(repo, "spec"), { recursive: true });
  git("add", ".");
  git("commit", "--quiet", "-m", "status characteristic");
  // Meanwhile main gets a breaking change the feature branch never saw.
  git("checkout", "--quiet", "main");
  cpSync(join(FIXTURES, "gatt-max-length-shrunk", "after", "gatt.json"), join(repo, "spec", "gatt.json"));
  git("commit", "--quiet", "-am", "shrink control");
  git("checkout", "--quiet", "feature");
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("--against a git ref", () => {
  it("[VER-8] compares a branch at its merge-base with HEAD", () => {
    const r = run("--against", "main");
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.report?.baseline.label).toMatch(/^main \(merge-base [0-9a-f]{7}\)$/);
    expect(r.report?.findings.map((f) => f.rule)).toEqual(["GATT_CHARACTERISTIC_ADDED"]);
  });

  it("[VER-8] compares a commit as it is", () => {
    const tip = git("rev-parse", "main").trim();
    const r = run("--against", tip);
    // Against main's tip, the feature branch appears to undo the shrink: a grown maxLength, additive.
    expect(r.report?.findings.map((f) => f.rule).sort()).toEqual(["GATT_CHARACTERISTIC_ADDED", "GATT_MAX_LENGTH_GROWN"]);
  });

  it("refuses an unknown ref with exit code 2", () => {
    const r = run("--against", "no-such-branch");
    expect(r.code).toBe(2);
    expect(r.err).toContain("no-such-branch");
  });
});

describe("changesets", () => {
  it("warns about a package changed without a changeset, and fails with --require-changesets", () => {
    write("packages/thing/index.ts", "export const a = 2;\n");
    const warned = run("--against", "main");
    expect(warned.code).toBe(0);
    expect(warned.report?.findings.filter((f) => f.rule === "CHANGESET_MISSING")).toEqual([expect.objectContaining({ severity: "warning", file: "packages/thing/index.ts" })]);
    const failed = run("--against", "main", "--require-changesets");
    expect(failed.code).toBe(1);
    expect(failed.report?.findings.find((f) => f.rule === "CHANGESET_MISSING")?.severity).toBe("error");
  });

  it("accepts the package change once a new changeset names the package", () => {
    write(".changeset/brave-ferry.md", '---\n"@example/thing": patch\n---\n\nBump a.\n');
    const r = run("--against", "main", "--require-changesets");
    expect(r.code, r.out).toBe(0);
    expect(r.report?.findings.map((f) => f.rule)).not.toContain("CHANGESET_MISSING");
  });

  it("reads the packages of a changeset's front matter", () => {
    expect(changesetPackages('---\n"@ferry/protocol": minor\n\'@ferry/conformance\': patch\nplain: major\n---\n\ntext: minor\n')).toEqual(["@ferry/protocol", "@ferry/conformance", "plain"]);
  });
});
