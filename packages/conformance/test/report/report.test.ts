/** Reports: JSON valid against report.schema.json and its extra rules, JUnit well-formed, HTML self-contained [CONF-12]. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateReport } from "@ferry/protocol";
import { afterAll, describe, expect, it } from "vitest";
import { htmlReport } from "../../src/report/html.js";
import { junitReport } from "../../src/report/junit.js";
import { toReport, type RoleRun } from "../../src/report/model.js";
import { readReplayFile, replayFileOf } from "../../src/report/replay-file.js";
import { checkReport } from "../../src/report/validate.js";
import { writeReportDir } from "../../src/report/write.js";
import type { CaseResult } from "../../src/runner/run.js";
import { expectWellFormedXml } from "./xml.js";

const failed: CaseResult = {
  case: { id: "SRV-ACK-02", title: "A conflicting payload <is> refused & reported", cites: ["ACK-8", "ERR-1"], level: "MUST", role: "server" },
  outcome: "fail",
  durationMs: 12,
  runs: 1,
  failure: {
    requirement: "ACK-8",
    expected: "Error SEQUENCE_CONFLICT (31)",
    actual: "no Error",
    seed: 42,
    path: "3:1:0",
    replay: "ferry-conformance replay out/replay/SRV-ACK-02.json",
    counterexample: {
      steps: ["app: connect", { action: "app: re-send seq 1 with another payload" }],
      messages: [
        { from: "app", to: "server", type: "hello", summary: "fresh", atMs: 0 },
        { from: "server", to: "app", type: "welcome", summary: "session 01", atMs: 2 },
        { from: "app", to: "server", type: "events", summary: "stream 4 seq 1", atMs: 3 },
        { from: "server", to: "app", type: "ack", summary: "(4,9) next 3", atMs: 5 },
      ],
    },
  },
};

const run: RoleRun = {
  role: "server",
  target: { role: "server", url: "ws://127.0.0.1:8080/v1/ws" },
  ics: {
    protocol: "1.0",
    implementation: { name: "Acme Ingest", vendor: "Acme", version: "1" },
    roles: ["server"],
    features: ["commands"],
    bindings: ["websocket"],
    limits: { maxMessage: 4096, window: { events: 8, bytes: 4096 } },
    setup: { credential: "secret-token", deviceId: "0102" },
  },
  seed: 42,
  runs: 50,
  started: new Date("2026-11-22T10:00:00.000Z"),
  finished: new Date("2026-11-22T10:00:01.500Z"),
  results: [
    { case: { id: "SRV-HS-01", title: "Hello answered", cites: ["HS-6", "HS-7"], level: "MUST", role: "server" }, outcome: "pass", durationMs: 3, runs: 1 },
    failed,
    { case: { id: "SRV-HTTP-01", title: "Batch", cites: ["HTTP-2"], level: "MUST", role: "server" }, outcome: "unsupported", durationMs: 0, reason: "the ICS does not declare the http-batch binding" },
    { case: { id: "SRV-WS-04", title: "No deflate", cites: ["WS-5"], level: "SHOULD", role: "server" }, outcome: "skipped", durationMs: 0, reason: "a SHOULD-level case: run with --strict" },
  ],
};

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("report.json", () => {
  it("[CONF-12] validates against report.schema.json (ajv) and the validation layer", () => {
    const report = toReport(run);
    expect(validateReport(report)).toEqual({ ok: true });
    expect(checkReport(report)).toEqual({ ok: true });
    expect(report.summary).toEqual({ passed: 1, failed: 1, unsupported: 1, skipped: 1, durationMs: 1500 });
    expect(report.coverage).toEqual({ "ACK-8": ["SRV-ACK-02"], "ERR-1": ["SRV-ACK-02"], "HS-6": ["SRV-HS-01"], "HS-7": ["SRV-HS-01"], "HTTP-2": ["SRV-HTTP-01"], "WS-5": ["SRV-WS-04"] });
    expect(report.cases[1]!.failure).toMatchObject({ requirement: "ACK-8", seed: 42, path: "3:1:0", replay: "ferry-conformance replay out/replay/SRV-ACK-02.json" });
  });

  it("[CONF-12] the validation layer refuses counts, coverage and failures that do not match the cases", () => {
    const report = toReport(run);
    expect(checkReport({ ...report, summary: { ...report.summary, passed: 2 } })).toEqual({ ok: false, errors: ['/summary/passed: must be 1, the number of cases with outcome "pass"'] });
    expect(checkReport({ ...report, coverage: { ...report.coverage, "HS-6": [] } })).toMatchObject({ ok: false, errors: ["/cases/0/requirements: HS-6 is cited but coverage.HS-6 does not list SRV-HS-01"] });
    const cases = report.cases.map((c) => (c.failure ? { ...c, failure: { ...c.failure, requirement: "HS-1" } } : c));
    expect(checkReport({ ...report, cases })).toEqual({ ok: false, errors: ["/cases/1/failure/requirement: HS-1 is not among the case's requirements"] });
  });

  it("[SEC-7] the capability statement goes in without its credential", () => {
    const report = toReport(run);
    expect(JSON.stringify(report)).not.toContain("secret-token");
    expect(report.ics).toMatchObject({ setup: { deviceId: "0102" } });
  });
});

describe("junit.xml", () => {
  it("is well-formed, with a failure carrying requirement, seed and replay, and skipped cases", () => {
    const xml = junitReport([run]);
    expectWellFormedXml(xml);
    expect(xml).toContain('<testsuites name="ferry-conformance" tests="4" failures="1">');
    expect(xml).toContain('<failure type="ACK-8" message="[ACK-8] expected Error SEQUENCE_CONFLICT (31); actual no Error">');
    expect(xml).toContain("A conflicting payload &lt;is&gt; refused &amp; reported");
    expect(xml).toContain('<skipped message="unsupported: the ICS does not declare the http-batch binding"/>');
  });
});

describe("report.html", () => {
  const html = htmlReport([run]);

  it("[CONF-12] shows the failure: requirement text, expected, actual, seed and path, the diagram, the replay command", () => {
    expect(html).toContain("A receiver that gets an event whose identity it holds with a different payload MUST keep the stored event");
    expect(html).toContain("Error SEQUENCE_CONFLICT (31)");
    expect(html).toContain('<dd class="actual">no Error</dd>');
    expect(html).toContain("<code>3:1:0</code>");
    expect(html).toContain("<svg class=\"seq\"");
    expect(html).toContain(">events stream 4 seq 1</text>");
    expect(html).toContain("ferry-conformance replay out/replay/SRV-ACK-02.json");
    expect(html).toContain("A conflicting payload &lt;is&gt; refused &amp; reported");
  });

  it("is one self-contained file: no script, no stylesheet link, no external URL", () => {
    expect(html).not.toMatch(/<script|<link|<img|@import|url\((?!#)/i);
    expect(html).not.toMatch(/https?:\/\//);
    for (const m of html.matchAll(/(?:href|src)="([^"]*)"/g)) expect(m[1]).toMatch(/^#/);
  });

  it("has a coverage table of the MUST and SHOULD requirements the cases exercised", () => {
    expect(html).toMatch(/exercise <b>4<\/b> of the spec's \d+ MUST requirements and <b>0<\/b> of its \d+ SHOULD requirements/);
    expect(html).toContain('<tr class="fail"><td>ACK-8</td><td>MUST</td>');
  });
});

describe("--report DIR", () => {
  it("[CONF-12] writes report.json, junit.xml, report.html and a replay file per failure", () => {
    const dir = mkdtempSync(join(tmpdir(), "ferry-report-"));
    dirs.push(dir);
    const replay = replayFileOf(failed, { runs: 50, timeoutMs: 30_000, target: { role: "server", url: "ws://127.0.0.1:8080/v1/ws" } });
    writeReportDir(dir, [run], [replay]);
    expect(readdirSync(dir).sort()).toEqual(["junit.xml", "replay", "report.html", "report.json"]);
    expect(checkReport(JSON.parse(readFileSync(join(dir, "report.json"), "utf8")))).toEqual({ ok: true });
    expect(readReplayFile(join(dir, "replay", "SRV-ACK-02.json"))).toMatchObject({ case: "SRV-ACK-02", role: "server", seed: 42, path: "3:1:0", runs: 50, target: { url: "ws://127.0.0.1:8080/v1/ws" }, failure: { requirement: "ACK-8" } });
  });
});
