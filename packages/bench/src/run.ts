/**
 * Runs the chosen benchmarks in order and assembles the report. Progress
 * goes to `log` (stderr from the CLI), one line per benchmark.
 */
import { benchBle } from "./ble/bench.js";
import { SECTION_NAMES, type SectionName } from "./cli.js";
import { benchCodecs } from "./codec/bench.js";
import { benchConformance, type SimulatedSuite } from "./conformance/bench.js";
import { simulatedSuites } from "./conformance/suites.js";
import { commitInfo, machineInfo } from "./report/machine.js";
import { checkTargets } from "./report/targets.js";
import { REPORT_SCHEMA, type BenchReport, type Sections } from "./report/types.js";
import { benchDrain } from "./server/drain.js";
import { benchIngest } from "./server/ingest.js";
import { FULL_SIZES, QUICK_SIZES } from "./sizes.js";
import { nowMs } from "./stats.js";

export interface RunOptions {
  quick: boolean;
  only?: SectionName[] | undefined;
  /** Recorded in the report as the command that produced it. */
  command: string;
  log?: (line: string) => void;
  /** The suites to time; default: whatever conformance/suites.ts provides (none yet). */
  suites?: () => Promise<SimulatedSuite[] | undefined>;
}

export async function runBenchmarks(o: RunOptions): Promise<BenchReport> {
  const sizes = o.quick ? QUICK_SIZES : FULL_SIZES;
  const names = SECTION_NAMES.filter((n) => o.only === undefined || o.only.includes(n));
  const log = o.log ?? (() => {});
  const startedAt = new Date();
  const machine = machineInfo();
  const commit = commitInfo();
  const t0 = nowMs();
  const results: Sections = {};
  for (const name of names) {
    const t = nowMs();
    log(`bench: ${name} ...`);
    switch (name) {
      case "codec":
        results.codec = await benchCodecs(sizes.codec);
        break;
      case "ble":
        results.ble = benchBle(sizes.ble);
        break;
      case "drain":
        results.drain = await benchDrain(sizes.drain);
        break;
      case "ingest":
        results.ingest = await benchIngest(sizes.ingest);
        break;
      case "conformance":
        results.conformance = await benchConformance(await (o.suites ?? simulatedSuites)(), sizes.conformance);
        break;
    }
    log(`bench: ${name} done in ${((nowMs() - t) / 1000).toFixed(1)} s`);
  }
  return {
    schema: REPORT_SCHEMA,
    command: o.command,
    mode: o.quick ? "quick" : "full",
    sections: names,
    startedAt: startedAt.toISOString(),
    durationS: Math.round((nowMs() - t0) / 100) / 10,
    machine,
    commit,
    sizes,
    results,
    targets: checkTargets(results),
  };
}
