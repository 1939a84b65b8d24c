/**
 * The smoke run: every benchmark at the quick sizes, through the real
 * server process, written to a temp directory; then the shape of
 * benchmarks.json (as docs/benchmarks.md documents it) and the presence of
 * every part of benchmarks.md. No assertion on any speed: figures are only
 * checked to be figures (finite, min <= median <= max, at least 5 runs).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECTION_NAMES } from "../src/cli.js";
import { writeReport } from "../src/report/write.js";
import type { BenchReport } from "../src/report/types.js";
import { runBenchmarks } from "../src/run.js";
import { MIN_RUNS, type Stat } from "../src/stats.js";

let dir: string;
let report: BenchReport;
let json: Record<string, unknown>;
let markdown: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ferry-bench-test-"));
  report = await runBenchmarks({ quick: true, command: "pnpm bench --quick" });
  const files = writeReport(report, dir);
  json = JSON.parse(readFileSync(files.json, "utf8")) as Record<string, unknown>;
  markdown = readFileSync(files.markdown, "utf8");
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectStat(s: Stat, where: string): void {
  expect(Object.keys(s).sort(), where).toEqual(["max", "median", "min", "runs", "unit"]);
  for (const k of ["median", "min", "max"] as const) expect(Number.isFinite(s[k]), `${where}.${k}`).toBe(true);
  expect(s.min, where).toBeLessThanOrEqual(s.median);
  expect(s.median, where).toBeLessThanOrEqual(s.max);
  expect(s.runs, where).toBeGreaterThanOrEqual(MIN_RUNS);
  expect(typeof s.unit, where).toBe("string");
}

describe("pnpm bench --quick (smoke)", () => {
  it("writes benchmarks.json with the documented top-level shape", () => {
    expect(json).toMatchObject({ schema: "ferry-bench/1", command: "pnpm bench --quick", mode: "quick", sections: [...SECTION_NAMES] });
    expect(Object.keys(json).sort()).toEqual(["command", "commit", "durationS", "machine", "mode", "results", "schema", "sections", "sizes", "startedAt", "targets"]);
    expect(Object.keys(json.results as object).sort()).toEqual([...SECTION_NAMES].sort());
    expect(json.machine).toMatchObject({ node: process.version, cpus: expect.any(Number), cpuModel: expect.any(String) });
    expect(Object.keys(json.commit as object).sort()).toEqual(["dirty", "sha"]);
    expect(Number.isNaN(Date.parse(json.startedAt as string))).toBe(false);
  });

  it("codec: every codec timed for every fixture, ratios from the same runs, bytes per event", () => {
    const c = report.results.codec!;
    expect(c.figures).toHaveLength(c.fixtures.length * 5);
    for (const f of c.figures) {
      expectStat(f.encode, `${f.fixture}/${f.codec}/encode`);
      expectStat(f.decode, `${f.fixture}/${f.codec}/decode`);
    }
    for (const r of c.ratios) expectStat(r.ratio, `${r.fixture}/${r.numerator}/${r.denominator}`);
    expect(c.bytesPerEvent.map((b) => b.form)).toContain("cloudevents");
    expect(c.bytesPerEvent.every((b) => b.bytesPerEvent > b.payloadBytes)).toBe(true);
  });

  it("[FRAG-2] [FRAG-6] ble: every workload at MTU 23, 185, 247 and 517, shares between 0 and 1", () => {
    const b = report.results.ble!;
    expect(b.attMtus).toEqual([23, 185, 247, 517]);
    const workloads = new Set(b.rows.map((r) => r.workload));
    expect(b.rows).toHaveLength(workloads.size * 4);
    for (const r of b.rows) {
      for (const x of [r.efficiency, r.btpEfficiency, r.ceiling]) expect(x > 0 && x < 1, `${r.workload} at ${r.attMtu}`).toBe(true);
      expect(r.notificationBytes).toBeGreaterThan(r.payloadBytes);
    }
    expect(b.maxFirstHeader).toBeLessThanOrEqual(3);
    expect(b.maxContinuationHeader).toBe(1);
  });

  it("drain and ingest: real server runs over WebSocket and HTTP batch, with round trips and the ceiling ratio", () => {
    const d = report.results.drain!;
    expect(d.figures.map((f) => f.binding)).toEqual(["websocket", "websocket", "http-batch", "http-batch"]);
    for (const f of d.figures) {
      expectStat(f.wallMs, `drain ${f.binding} ${f.events}`);
      expectStat(f.roundTrips, `drain ${f.binding} ${f.events} round trips`);
      expect(f.roundTrips.min).toBeGreaterThanOrEqual(1);
    }
    expect(d.figures.filter((f) => f.binding === "websocket").every((f) => f.resumed === true)).toBe(true);
    const i = report.results.ingest!;
    expect(i.figures.map((f) => f.clients)).toEqual([1, 3]);
    for (const f of i.figures) for (const s of [f.rate, f.eventsPerCommit, f.ceiling, f.ratio]) expectStat(s, `ingest ${f.clients}`);
  });

  it("conformance: not wired, so not measured and no number", () => {
    expect(report.results.conformance).toMatchObject({ status: "not measured", figures: [] });
    expect(markdown).toContain("Not measured: no simulated conformance suite");
  });

  it("targets: each is pass, miss or not measured, and a miss says by how much", () => {
    expect(report.targets.length).toBeGreaterThanOrEqual(6);
    for (const t of report.targets) {
      expect(["pass", "miss", "not measured"]).toContain(t.status);
      if (t.status === "miss") expect(t.margin).toBeTruthy();
    }
  });

  it("writes benchmarks.md with the command, the machine, the targets and every benchmark", () => {
    for (const part of ["# Benchmarks", "`pnpm bench --quick`", process.version, "## Targets from the brief", "## Codec", "## BLE efficiency", "## Resume drain", "## Server ingest", "## Conformance speed", "## benchmarks.json", "Quick run"]) {
      expect(markdown, part).toContain(part);
    }
  });
});
