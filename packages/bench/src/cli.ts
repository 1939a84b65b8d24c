/**
 * The `pnpm bench` command line. Bad usage is a message and exit status 2.
 *
 *   pnpm bench                      every benchmark, full sizes; writes docs/benchmarks.{md,json}
 *   pnpm bench --quick              tiny sizes (a smoke run); writes packages/bench/results/
 *   pnpm bench --only drain,ingest  some benchmarks; writes packages/bench/results/
 *   pnpm bench --out DIR            write benchmarks.md and benchmarks.json to DIR
 */
import { parseArgs } from "node:util";
import { DOCS_DIR, SCRATCH_DIR } from "./paths.js";

export const SECTION_NAMES = ["codec", "ble", "drain", "ingest", "conformance"] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

export const HELP = `Usage: pnpm bench [options]

Runs Ferry's benchmarks and writes benchmarks.json (machine-readable) and
benchmarks.md (summary). Timed figures are the median of at least 5 runs
with min and max.

Options:
  --quick        tiny sizes: a smoke run, figures are not meaningful
  --only NAMES   comma-separated subset of: ${SECTION_NAMES.join(", ")}
  --out DIR      output directory (default: docs/ for a full run of every
                 benchmark, packages/bench/results/ for --quick or --only,
                 so docs/ only ever holds a complete full run)
  -h, --help     show this help
`;

export interface BenchCommand {
  quick: boolean;
  only: SectionName[] | undefined;
  outDir: string;
  /** The arguments as given, to record the command that produced the figures. */
  argv: string[];
}

export class UsageError extends Error {}

export function parseCommandLine(argv: string[]): BenchCommand | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { quick: { type: "boolean" }, only: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return "help";
  let only: SectionName[] | undefined;
  if (v.only !== undefined) {
    const names = v.only.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
    const unknown = names.filter((n) => !(SECTION_NAMES as readonly string[]).includes(n));
    if (names.length === 0 || unknown.length > 0) throw new UsageError(`--only takes names among ${SECTION_NAMES.join(", ")}; got "${v.only}"`);
    only = [...new Set(names as SectionName[])];
  }
  if (v.out !== undefined && v.out.trim() === "") throw new UsageError("--out needs a directory");
  const quick = v.quick ?? false;
  const partial = quick || only !== undefined;
  return { quick, only, outDir: v.out ?? (partial ? SCRATCH_DIR : DOCS_DIR), argv };
}
