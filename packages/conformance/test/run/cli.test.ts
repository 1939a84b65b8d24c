/**
 * `ferry-conformance` as a child process: exit codes [CONF-13], the report
 * directory [CONF-12], `replay` of a recorded failure, `ics check`, `cases`.
 * The servers run in this process, so the CLI is spawned asynchronously.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkReport } from "../../src/report/validate.js";
import { startServer, type TestServer } from "../suites/servers.js";

const PACKAGE = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = join(PACKAGE, "src/cli/main.ts");
const SEED = String(Number(process.env.FERRY_SEED ?? 20261122));

function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", MAIN, ...args], { cwd: PACKAGE, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "ferry-cli-"));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("usage", () => {
  it("--help lists the commands and options and exits 0", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    for (const word of ["run --role server", "replay FILE", "ics check FILE", "cases", "vectors", "compat", "--only", "--exclude", "--strict", "--fail-fast", "--report DIR", "--format text|json|junit", "--timeout", "--seed", "--runs"]) expect(r.out).toContain(word);
  });

  it.each([
    [["run", "--role", "nobody"], "--role must be server, device or app"],
    [["run", "--format", "xml"], "--format must be text, json or junit"],
    [["run", "--no-such-option"], "no-such-option"],
    [["run", "--role", "server", "--url", "http://x"], "--url must be a ws://"],
    [["run", "--role", "server", "--url", "ws://127.0.0.1:9/v1/ws", "--only", "SRV-NOPE-99"], "no case and no requirement is named SRV-NOPE-99"],
    [["run", "--role", "device", "--cmd", "true"], "no device suite is registered"],
    [["frobnicate"], "unknown command: frobnicate"],
  ])("[CONF-13] exits 2 on bad usage: %j", async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it("[CONF-13] replay asks again for a credential the recorded run got on the command line", async () => {
    const file = join(tempDir(), "SRV-HS-01.json");
    writeFileSync(file, JSON.stringify({ case: "SRV-HS-01", role: "server", seed: 1, runs: 1, timeoutMs: 1000, target: { role: "server", url: "ws://127.0.0.1:1/v1/ws", credentialGiven: true }, failure: { requirement: "HS-6", expected: "e", actual: "a" } }));
    const r = await cli(["replay", file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("give it again with --credential");
  });

  it("[CONF-13] exits 2 when the server cannot be reached", async () => {
    const r = await cli(["run", "--role", "server", "--url", "ws://127.0.0.1:1/v1/ws"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("cannot reach ws://127.0.0.1:1/v1/ws");
  });
});

describe("ics check and cases", () => {
  const schema = JSON.parse(readFileSync(join(PACKAGE, "../../spec/schemas/ics.schema.json"), "utf8")) as { examples: object[] };

  it("[CONF-1] a valid capability statement exits 0; an invalid one exits 2 with JSON paths", async () => {
    const dir = tempDir();
    const good = join(dir, "good.json");
    const bad = join(dir, "bad.json");
    writeFileSync(good, JSON.stringify(schema.examples[1]));
    writeFileSync(bad, JSON.stringify({ ...schema.examples[1], protocol: "one", setup: { deviceId: "XYZ" } }));
    const ok = await cli(["ics", "check", good]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain("valid capability statement of Acme Cloud Ingest");
    const no = await cli(["ics", "check", bad]);
    expect(no.code).toBe(2);
    expect(no.err).toContain("/protocol: must match pattern");
    expect(no.err).toContain("/setup/deviceId: must match pattern");
  });

  it("[CONF-11] cases lists each case with its level, role and requirement ids", async () => {
    const r = await cli(["cases", "--role", "server"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/SRV-RESUME-01\s+MUST\s+server\s+\[HS-6, HS-8, HS-11, SEC-4, CONF-8\]/);
    expect(r.out).toMatch(/SRV-WS-04\s+SHOULD/);
  });
});

describe("runs against servers", () => {
  let healthy: TestServer;
  let broken: TestServer;
  beforeAll(async () => {
    healthy = await startServer();
    broken = await startServer({ swallowConflicts: true, regressOnDuplicates: true });
  });
  afterAll(async () => {
    await healthy?.close();
    await broken?.close();
  });

  it("[CONF-13] [CONF-12] exits 0 when every selected case passes; --format json prints a valid report", async () => {
    const r = await cli(["run", "--role", "server", "--url", healthy.target.url, "--only", "SRV-HS-01", "SRV-RESUME-01", "HTTP-12", "--seed", SEED, "--format", "json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { cases: { id: string; outcome: string }[]; seed: number };
    expect(checkReport(report)).toEqual({ ok: true });
    expect(report.seed).toBe(Number(SEED));
    expect(report.cases.filter((c) => c.outcome === "pass").map((c) => c.id)).toEqual(["SRV-HS-01", "SRV-RESUME-01", "SRV-HTTP-01", "SRV-HTTP-02"]);
    expect(r.err).toMatch(/PASS: every selected case passed\n$/);
  });

  it("[CONF-13] [CONF-12] exits 1 on a failure, writes the report directory, and `replay` reproduces the failure", async () => {
    const dir = tempDir();
    const r = await cli(["run", "--role", "server", "--url", broken.target.url, "--only", "SRV-ACK-02", "SRV-PROP-01", "--seed", SEED, "--runs", "30", "--report", dir]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("FAIL SRV-ACK-02");
    expect(r.out).toMatch(/FAIL: 2 failed\n$/);
    for (const f of ["report.json", "junit.xml", "report.html", "replay/SRV-ACK-02.json", "replay/SRV-PROP-01.json"]) expect(existsSync(join(dir, f))).toBe(true);
    const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as { cases: { id: string; failure?: { requirement: string; replay: string; path?: string } }[] };
    expect(checkReport(report)).toEqual({ ok: true });
    const ack02 = report.cases.find((c) => c.id === "SRV-ACK-02")!.failure!;
    expect(ack02.requirement).toBe("ACK-8");
    expect(ack02.replay).toBe(`ferry-conformance replay ${join(dir, "replay", "SRV-ACK-02.json")}`);
    const prop = report.cases.find((c) => c.id === "SRV-PROP-01")!.failure!;
    expect(prop.path).toMatch(/^\d+(:\d+)*$/);
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).toContain("SRV-PROP-01");
    expect(html).toContain("<svg class=\"seq\"");

    const replay = await cli(["replay", join(dir, "replay", "SRV-PROP-01.json")]);
    expect(replay.code).toBe(1);
    expect(replay.out).toContain(`reproduced: SRV-PROP-01 fails [${prop.requirement}]`);
    expect(replay.out).toContain(`path ${prop.path}`);
  });

  it("[CONF-13] with no target it starts the reference server itself", async () => {
    const dir = tempDir();
    const r = await cli(["--only", "SRV-HS-03", "--seed", SEED, "--report", dir]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("(the reference server, started by the toolkit)");
    expect(r.out).toMatch(/pass\s+SRV-HS-03/);
    expect(checkReport(JSON.parse(readFileSync(join(dir, "report.json"), "utf8")))).toEqual({ ok: true });
  });
});
