/** The runner: selection by filters, level and ICS; outcomes; time budget; fail-fast [CONF-11] [CONF-12]. */
import { describe, expect, it } from "vitest";
import { CaseFailure, CaseUnsupported, expectThat, pass, TargetUnreachable, type Case } from "../../src/runner/case.js";
import { runCases, type RunCasesOptions } from "../../src/runner/run.js";
import { plan, unknownFilters } from "../../src/runner/select.js";
import type { Ics } from "../../src/ics/types.js";

const make = (id: string, over: Partial<Case<null>> = {}): Case<null> => ({ id, title: `case ${id}`, cites: ["HS-6"], level: "MUST", role: "server", run: async () => pass(), ...over });

const options = (over: Partial<RunCasesOptions> = {}): RunCasesOptions => ({
  seed: 7,
  runs: 3,
  timeoutMs: 2000,
  failFast: false,
  replay: (c, f) => `replay ${c.id} ${f.seed}${f.path ? ` ${f.path}` : ""}`,
  ...over,
});

const ics: Ics = {
  protocol: "1.0",
  implementation: { name: "x", vendor: "y", version: "1" },
  roles: ["server"],
  features: ["commands"],
  bindings: ["websocket"],
  limits: { maxMessage: 4096, window: { events: 1, bytes: 1 } },
};

describe("plan", () => {
  const cases = [make("SRV-A-01"), make("SRV-B-01", { cites: ["ACK-7"] }), make("SRV-C-01", { level: "SHOULD" }), make("SRV-D-01", { needs: { features: ["http-batch"] } })];

  it("[CONF-11] --only and --exclude take case ids and requirement ids; the rest is skipped with its reason", () => {
    const p = plan(cases, { only: ["ACK-7", "SRV-A-01"], exclude: ["SRV-A-01"], strict: false });
    expect(p.map((x) => (x.run ? "run" : `${x.outcome}: ${x.reason}`))).toEqual(["skipped: excluded by --exclude", "run", "skipped: not selected by --only", "skipped: not selected by --only"]);
  });

  it("[CONF-11] SHOULD cases run with --strict or when named; a need the ICS does not declare is unsupported", () => {
    const p = plan(cases, { only: [], exclude: [], strict: false, ics });
    expect(p.map((x) => (x.run ? "run" : `${x.outcome}: ${x.reason}`))).toEqual(["run", "run", "skipped: a SHOULD-level case: run with --strict", "unsupported: the ICS does not declare the http-batch feature"]);
    expect(plan(cases, { only: [], exclude: [], strict: true }).every((x) => x.run)).toBe(true);
    expect(plan(cases, { only: ["SRV-C-01"], exclude: [], strict: false })[2]!.run).toBe(true);
  });

  it("names filters that match no case and no requirement", () => {
    expect(unknownFilters(cases, ["SRV-A-01", "ACK-7", "HS-1", "SRV-Z-09"], new Set(["HS-1"]))).toEqual(["SRV-Z-09"]);
  });
});

describe("runCases", () => {
  it("[CONF-12] a failure carries requirement, expected, actual, seed, replay and the trace as counterexample", async () => {
    const failing = make("SRV-F-01", {
      async run(ctx) {
        ctx.trace.step("app: connect");
        ctx.trace.record("app", "server", "hello", "fresh");
        expectThat(false, { requirement: "HS-6", expected: "a Welcome", actual: "an Error" });
        return pass();
      },
    });
    const [r] = await runCases(plan([failing], { only: [], exclude: [], strict: false }), null, options());
    expect(r).toMatchObject({ outcome: "fail", runs: 1, failure: { requirement: "HS-6", expected: "a Welcome", actual: "an Error", seed: 7, replay: "replay SRV-F-01 7" } });
    expect(r!.failure!.counterexample).toMatchObject({ steps: ["app: connect"], messages: [{ from: "app", to: "server", type: "hello", summary: "fresh" }] });
  });

  it("[CONF-11] a failure naming a requirement the case does not cite is reported under a cited one, saying so", async () => {
    const c = make("SRV-F-02", { run: async () => Promise.reject(new CaseFailure({ requirement: "ACK-3", expected: "e", actual: "a" })) });
    const [r] = await runCases(plan([c], { only: [], exclude: [], strict: false }), null, options());
    expect(r!.failure).toMatchObject({ requirement: "HS-6", actual: "a (breaks ACK-3, which the case does not cite)" });
  });

  it("[CONF-11] unsupported cases say why; a case past its time budget fails and its signal aborts", async () => {
    let aborted = false;
    const slow = make("SRV-T-01", {
      run: (ctx) =>
        new Promise(() => {
          ctx.signal.addEventListener("abort", () => (aborted = true));
        }),
    });
    const unsupported = make("SRV-U-01", { run: async () => Promise.reject(new CaseUnsupported("the target lacks X")) });
    const results = await runCases(plan([slow, unsupported], { only: [], exclude: [], strict: false }), null, options({ timeoutMs: 50 }));
    expect(results[0]).toMatchObject({ outcome: "fail", failure: { requirement: "HS-6", expected: "the case to finish within 50 ms (--timeout)" } });
    expect(aborted).toBe(true);
    expect(results[1]).toMatchObject({ outcome: "unsupported", reason: "the target lacks X" });
  });

  it("[CONF-13] --fail-fast skips what follows a failure; an error the case did not expect is a failure", async () => {
    const boom = make("SRV-E-01", { run: async () => Promise.reject(new Error("socket hang up")) });
    const results = await runCases(plan([boom, make("SRV-A-01")], { only: [], exclude: [], strict: false }), null, options({ failFast: true }));
    expect(results.map((r) => r.outcome)).toEqual(["fail", "skipped"]);
    expect(results[0]!.failure!.actual).toBe("it stopped: socket hang up");
    expect(results[1]!.reason).toMatch(/--fail-fast stopped the run after SRV-E-01 failed/);
  });

  it("a target that cannot be reached stops the whole run", async () => {
    const gone = make("SRV-G-01", { run: async () => Promise.reject(new TargetUnreachable("cannot reach it")) });
    await expect(runCases(plan([gone], { only: [], exclude: [], strict: false }), null, options())).rejects.toThrow("cannot reach it");
  });

  it("a property case gets --runs and reports the runs it made", async () => {
    const prop = make("SRV-P-01", { property: true, run: async (ctx) => pass(ctx.runs) });
    const [r] = await runCases(plan([prop], { only: [], exclude: [], strict: false }), null, options({ runs: 42 }));
    expect(r).toMatchObject({ outcome: "pass", runs: 42 });
  });
});
