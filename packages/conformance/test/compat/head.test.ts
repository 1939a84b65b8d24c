/**
 * The gate in CI: the spec at HEAD must be compatible with its latest release
 * snapshot (spec/releases/), or correctly versioned. A breaking change to
 * spec/ without a new major fails this test, and so `pnpm test` and .ci/run.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listReleases } from "../../src/compat/releases.js";
import { formatVersion } from "../../src/compat/protocol-version.js";
import { cli, REPO, SPEC } from "./helpers.js";

describe("the spec at HEAD", () => {
  it("[VER-8] [VER-11] is compatible with its latest release snapshot, or correctly versioned", () => {
    const r = cli(["--spec", SPEC]);
    expect(r.err).toBe("");
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/against release \d+\.\d+/);
  });

  it("[VER-12] keeps a frozen snapshot of release 1.0 with every machine-readable part and no vectors", () => {
    expect(listReleases(SPEC).map(formatVersion)).toContain("1.0");
    const snapshot = join(SPEC, "releases", "1.0");
    for (const part of ["version.json", "gatt.json", "errors.json", "requirements.json", "proto/buf.yaml", "proto/ferry/v1/message.proto", "schemas/message.schema.json", "03-envelope.md", "README.md"]) {
      expect(existsSync(join(snapshot, part)), part).toBe(true);
    }
    expect(existsSync(join(snapshot, "vectors"))).toBe(false);
    expect(JSON.parse(readFileSync(join(snapshot, "version.json"), "utf8"))).toMatchObject({ protocol: "1.0", major: 1, minor: 0 });
  });
});

describe("an undeclared change to the real spec", () => {
  const work = mkdtempSync(join(tmpdir(), "ferry-compat-head-"));
  const spec = join(work, "spec");
  cpSync(SPEC, spec, { recursive: true, filter: (src) => !src.startsWith(join(SPEC, "vectors")) });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("[VER-8] fails: a new field in Ack without a minor bump, found by buf on the real .proto files", () => {
    const ack = join(spec, "proto/ferry/v1/ack.proto");
    const text = readFileSync(ack, "utf8");
    writeFileSync(ack, text.replace(/message Ack \{\n/, "message Ack {\n  uint32 fixture_only = 99;\n"));
    const r = cli(["--spec", spec, "--format", "json"], REPO);
    expect(r.code, r.out + r.err).toBe(1);
    const rules = (JSON.parse(r.out) as { findings: { rule: string }[] }).findings.map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(["PROTO_FIELD_ADDED", "VERSION_MINOR_REQUIRED"]));
    writeFileSync(ack, text);
  });
});
