/**
 * The server suite over real sockets: the reference server passes every
 * case; servers broken on purpose fail the cases that check what they
 * break, naming the requirement, and a property failure replays from its
 * seed and path.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaseResult, RunCasesOptions } from "../../src/runner/run.js";
import { runCases } from "../../src/runner/run.js";
import { plan } from "../../src/runner/select.js";
import { SERVER_SUITE } from "../../src/suites/server/index.js";
import { startReferenceServer } from "../../src/targets/reference-server.js";
import type { Running } from "../../src/targets/running.js";
import type { ServerTarget } from "../../src/targets/server-target.js";
import { startServer, type TestServer } from "./servers.js";

const SEED = Number(process.env.FERRY_SEED ?? 20261122);

function run(target: ServerTarget, only: string[], over: Partial<RunCasesOptions> = {}): Promise<CaseResult[]> {
  const planned = plan(SERVER_SUITE.cases, { only, exclude: [], strict: true }).filter((p) => p.run);
  return runCases(planned, target, { seed: SEED, runs: 30, timeoutMs: 20_000, failFast: false, replay: (c, f) => `replay ${c.id} ${f.seed} ${f.path ?? ""}`, ...over });
}

const outcomes = (results: CaseResult[]) => Object.fromEntries(results.map((r) => [r.case.id, r.outcome === "fail" ? `fail [${r.failure!.requirement}] ${r.failure!.actual}` : r.outcome]));

describe("against the reference server", () => {
  let reference: Running<ServerTarget>;
  beforeAll(async () => void (reference = await startReferenceServer()));
  afterAll(() => reference?.close());

  it("[CONF-10] [CONF-11] every server case passes, hostile ones included", async () => {
    const results = await run(reference.target, []);
    expect(results.length).toBe(SERVER_SUITE.cases.length);
    expect(Object.values(outcomes(results)).filter((o) => o !== "pass")).toEqual([]);
  });
});

describe("against a server that swallows conflicts", () => {
  let server: TestServer;
  beforeAll(async () => void (server = await startServer({ swallowConflicts: true })));
  afterAll(() => server?.close());

  it("[ACK-8] SRV-ACK-02 fails naming ACK-8; unrelated cases still pass", async () => {
    const results = await run(server.target, ["SRV-ACK-02", "SRV-HS-01", "SRV-ACK-01"]);
    expect(outcomes(results)).toEqual({ "SRV-HS-01": "pass", "SRV-ACK-01": "pass", "SRV-ACK-02": "fail [ACK-8] no Error" });
    const f = results.find((r) => r.case.id === "SRV-ACK-02")!.failure!;
    expect(f.expected).toBe("Error SEQUENCE_CONFLICT (31)");
    expect(f.counterexample?.messages.some((m) => m.from === "app" && m.type === "events")).toBe(true);
  });
});

describe("against a server whose acknowledgements go back on duplicates", () => {
  let server: TestServer;
  beforeAll(async () => void (server = await startServer({ regressOnDuplicates: true })));
  afterAll(() => server?.close());

  it("[ACK-7] SRV-ACK-01 fails: re-sent events are not covered", async () => {
    const [r] = await run(server.target, ["SRV-ACK-01"]);
    expect(r!.failure).toMatchObject({ requirement: "ACK-7" });
  });

  it("[ACK-5] SRV-PROP-01 fails with a shrunk counterexample, and its seed and path replay it", async () => {
    const [r] = await run(server.target, ["SRV-PROP-01"]);
    expect(r!.outcome).toBe("fail");
    const f = r!.failure!;
    expect(f.requirement).toBe("ACK-5");
    expect(f.path).toMatch(/^\d+(:\d+)*$/);
    const steps = f.counterexample!.steps.map(String);
    // Shrunk: a send and a re-send of what was sent are enough.
    expect(steps.some((s) => s.includes("re-sends"))).toBe(true);
    expect(steps.length).toBeLessThanOrEqual(4);
    const [again] = await run(server.target, ["SRV-PROP-01"], { seed: f.seed, path: f.path });
    expect(again!.failure).toMatchObject({ requirement: "ACK-5", expected: f.expected });
    expect(again!.failure!.counterexample!.steps.map(String)).toEqual(steps);
  });
});
