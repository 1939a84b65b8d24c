/** `ferry-conformance vectors`: the golden vectors of spec/vectors against @ferry/protocol [CONF-14]. */
import { parseArgs } from "node:util";
import { defaultVectorsDir } from "../paths.js";
import { runVectors, type SuiteRun } from "../suites/vectors.js";
import { UsageError } from "./options.js";
import { printSummary, textProgress, toJsonReport } from "./report.js";

export function vectorsCommand(argv: string[]): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: { dir: { type: "string" }, only: { type: "string", multiple: true }, format: { type: "string", default: "text" } },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.format !== "text" && values.format !== "json") throw new UsageError(`--format must be text or json, not ${values.format}`);
  const only = values.only ?? [];
  const dir = values.dir ?? defaultVectorsDir();
  const text = values.format === "text";
  let run: SuiteRun;
  try {
    run = runVectors(dir, text ? textProgress : undefined, only);
  } catch (e) {
    throw new UsageError(`cannot load vectors from ${dir}: ${(e as Error).message}`);
  }
  if (run.results.length === 0) throw new UsageError(`no vector matches ${only.join(", ")}`);
  if (text) printSummary(run, dir);
  else console.log(JSON.stringify(toJsonReport(run, dir), null, 2));
  return run.results.every((r) => r.outcome === "pass") ? 0 : 1;
}
