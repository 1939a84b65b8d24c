#!/usr/bin/env node
/**
 * ferry-conformance: checks an implementation against the Ferry spec.
 *
 * Exit codes: 0 every selected case passed, 1 a case failed, 2 bad usage or
 * unreadable input. The summary is always the last thing printed.
 */
import { parseArgs } from "node:util";
import { runVectors, type SuiteRun } from "../suites/vectors.js";
import { defaultVectorsDir } from "../paths.js";
import { printSummary, textProgress, toJsonReport } from "./report.js";
import { runCompatCli } from "../compat/cli.js";

const USAGE = `ferry-conformance: check an implementation against the Ferry protocol spec

Usage:
  ferry-conformance [vectors] [options]   run the golden vectors (spec/vectors)
  ferry-conformance compat [options]      fail on a protocol change that is not declared
                                          (ferry-conformance compat --help for its options)
  ferry-conformance --help | --version

Options of vectors:
  --dir DIR            vector directory (default: the spec's spec/vectors)
  --only NAME|ID ...   run only vectors with this name or citing this requirement id
  --format text|json   output format (default: text)

Exit codes: 0 all selected cases passed, 1 a case failed, 2 bad usage.
Suites against running devices, apps and servers come with the conformance
toolkit (see spec/16-conformance.md).`;

function usageError(message: string): never {
  console.error(`ferry-conformance: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function main(argv: string[]): number {
  // compat has options of its own.
  if (argv[0] === "compat") return runCompatCli(argv.slice(1));
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        dir: { type: "string" },
        only: { type: "string", multiple: true },
        format: { type: "string", default: "text" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" },
      },
    });
  } catch (e) {
    usageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.version) {
    console.log("ferry-conformance for Ferry protocol 1.0");
    return 0;
  }
  const command = positionals[0] ?? "vectors";
  if (command !== "vectors" || positionals.length > 1) usageError(`unknown command: ${positionals.join(" ")}`);
  if (values.format !== "text" && values.format !== "json") usageError(`--format must be text or json, not ${values.format}`);

  const only = values.only ?? [];
  const dir = values.dir ?? defaultVectorsDir();
  const text = values.format === "text";
  let run: SuiteRun;
  try {
    run = runVectors(dir, text ? textProgress : undefined, only);
  } catch (e) {
    console.error(`ferry-conformance: cannot load vectors from ${dir}: ${(e as Error).message}`);
    return 2;
  }
  if (run.results.length === 0) {
    console.error(`ferry-conformance: no vector matches ${only.join(", ")}`);
    return 2;
  }
  if (text) printSummary(run, dir);
  else console.log(JSON.stringify(toJsonReport(run, dir), null, 2));
  return run.results.every((r) => r.outcome === "pass") ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
