/**
 * Capability statements (ICS) and conformance reports: the schemas' examples
 * validate, each declaration mistake is refused, and the cross-field rules
 * (unique streams, summary equal to the cases, coverage the inverse of the
 * cases' requirements) hold.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SCHEMA_DIR, validateIcs, validateReport } from "../../src/schema/index.js";
import type { ValidationResult } from "../../src/schema/index.js";

type Json = Record<string, any>;
const examples = (name: string): Json[] =>
  (JSON.parse(readFileSync(new URL(`${name}.schema.json`, SCHEMA_DIR), "utf8")) as { examples: Json[] }).examples;
const [device, server] = examples("ics") as [Json, Json];
const [report] = examples("report") as [Json];
const clone = <T>(v: T): T => structuredClone(v);

function refused(result: ValidationResult, reason: string): void {
  expect(result.ok).toBe(false);
  const errors = result.ok ? [] : result.errors;
  expect(errors.some((e) => e.includes(reason)), `${JSON.stringify(errors)} mentions ${reason}`).toBe(true);
}

describe("capability statement (ICS)", () => {
  it("[CONF-1] the device and server examples validate", () => {
    expect(validateIcs(device)).toEqual({ ok: true });
    expect(validateIcs(server)).toEqual({ ok: true });
  });

  it("an app with the minimum declaration validates", () => {
    const app = { protocol: "1.0", implementation: { name: "a", vendor: "v", version: "1" }, roles: ["app"], features: [], bindings: ["gatt", "websocket"], limits: { maxMessage: 4096, window: { events: 8, bytes: 8192 } } };
    expect(validateIcs(app)).toEqual({ ok: true });
  });

  const bad: [string, (d: Json) => void, string][] = [
    ["no role", (d) => { d.roles = []; }, "/roles"],
    ["an unknown role", (d) => { d.roles = ["hub"]; }, "/roles/0"],
    ["an unknown feature", (d) => { d.features = ["compression"]; }, "/features/0"],
    ["a repeated binding", (d) => { d.bindings = ["gatt", "gatt"]; }, "/bindings"],
    ["a protocol version that is not MAJOR.MINOR", (d) => { d.protocol = "1"; }, "/protocol"],
    ["a device without streams", (d) => { delete d.streams; }, 'missing required property "streams"'],
    ["a device without overflow policy", (d) => { delete d.overflowPolicy; }, 'missing required property "overflowPolicy"'],
    ["a device without buffer capacity", (d) => { delete d.limits.bufferCapacity; }, 'missing required property "bufferCapacity"'],
    ["an overflow policy 1.0 does not define", (d) => { d.overflowPolicy = "drop-newest"; }, '/overflowPolicy: must be "drop-lowest-oldest"'],
    ["a stream priority by proto name", (d) => { d.streams[0].priority = "PRIORITY_CRITICAL"; }, "/streams/0/priority"],
    ["two streams with the same number", (d) => { d.streams[1].stream = 1; }, '/streams/1/stream: duplicate stream 1'],
    ["more streams than maxStreams", (d) => { d.limits.maxStreams = 2; }, "more than limits.maxStreams 2"],
    ["a device id that is not hex", (d) => { d.setup.deviceId = "xyz"; }, "/setup/deviceId"],
    ["a device id of 17 bytes", (d) => { d.setup.deviceId = "ab".repeat(17); }, "/setup/deviceId"],
    ["a window without bytes", (d) => { delete d.limits.window.bytes; }, "/limits/window"],
    ["an unknown top-level property", (d) => { d.pics = {}; }, 'unknown property "pics"'],
  ];
  it.each(bad)("[CONF-1] refuses %s", (_name, damage, reason) => {
    const d = clone(device);
    damage(d);
    refused(validateIcs(d), reason);
  });

  it("the http-batch feature needs the http-batch binding; a server URL must be ws(s)", () => {
    refused(validateIcs({ ...server, bindings: ["websocket"] }), '/bindings: must contain "http-batch"');
    refused(validateIcs({ ...server, setup: { ...server.setup, url: "http://x" } }), "/setup/url");
  });
});

describe("conformance report", () => {
  it("[CONF-12] the example validates, with the ICS inline or as a path", () => {
    expect(validateReport(report)).toEqual({ ok: true });
    expect(validateReport({ ...report, ics: device })).toEqual({ ok: true });
  });

  const bad: [string, (r: Json) => void, string][] = [
    ["a failed case without failure", (r) => { delete r.cases[1].failure; }, '/cases/1: missing required property "failure"'],
    ["a passed case with a failure", (r) => { r.cases[0].failure = r.cases[1].failure; }, '/cases/0: must not have "failure"'],
    ["an unknown outcome", (r) => { r.cases[0].outcome = "error"; }, "/cases/0/outcome"],
    ["a level other than MUST or SHOULD", (r) => { r.cases[0].level = "MAY"; }, "/cases/0/level"],
    ["a malformed case id", (r) => { r.cases[0].id = "srv-hello-1"; }, "/cases/0/id: must be a case id"],
    ["a case id without a role [CONF-11]", (r) => { r.cases[0].id = "HELLO-01"; }, "/cases/0/id: must be a case id ROLE-AREA-NN"],
    ["a malformed requirement id", (r) => { r.cases[0].requirements = ["HS8"]; }, "/cases/0/requirements/0: must be a requirement id"],
    ["a failure naming a malformed requirement", (r) => { r.cases[1].failure.requirement = "hs-8"; }, "/cases/1/failure/requirement"],
    ["a failure without replay command", (r) => { delete r.cases[1].failure.replay; }, 'missing required property "replay"'],
    ["a traced message from an unknown role", (r) => { r.cases[1].failure.counterexample.messages[0].from = "toolkit"; }, "/cases/1/failure/counterexample/messages/0/from"],
    ["a fractional time", (r) => { r.cases[1].failure.counterexample.messages[0].atMs = 0.5; }, "/counterexample/messages/0/atMs"],
    ["a timestamp without offset", (r) => { r.started = "2026-11-22T10:00:00"; }, "/started: must be an RFC 3339 date-time"],
    ["a target without url or cmd", (r) => { r.target = { role: "server" }; }, '/target: must have "url" or "cmd"'],
    ["a summary that disagrees with the cases", (r) => { r.summary.passed = 2; }, '/summary/passed: must be 1, the number of cases with outcome "pass"'],
    ["two cases with one id", (r) => { r.cases[2].id = "SRV-HELLO-01"; }, "duplicate case id"],
    ["coverage naming a case not in the report", (r) => { r.coverage["HS-6"].push("SRV-GONE-01"); }, "/coverage/HS-6: case SRV-GONE-01 is not in the report"],
    ["coverage missing a cited requirement", (r) => { delete r.coverage["VER-2"]; }, "VER-2 is cited but coverage.VER-2 does not list SRV-HELLO-01"],
    ["coverage keyed by a non-id", (r) => { r.coverage["resume"] = []; }, '/coverage: property name "resume" must be a requirement id'],
    ["an inline ICS with a duplicate stream", (r) => { r.ics = clone(device); r.ics.streams[2].stream = 2; }, "/ics/streams/2/stream: duplicate stream 2"],
  ];
  it.each(bad)("[CONF-12] refuses %s", (_name, damage, reason) => {
    const r = clone(report);
    damage(r);
    refused(validateReport(r), reason);
  });

  it("[CONF-12] a requirement may be listed in coverage with no case, to show it is not covered", () => {
    expect(validateReport({ ...report, coverage: { ...report.coverage, "HS-9": [] } })).toEqual({ ok: true });
  });
});
