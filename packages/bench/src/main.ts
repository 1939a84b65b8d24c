/**
 * `pnpm bench`: runs Ferry's benchmarks and writes benchmarks.json and
 * benchmarks.md (see cli.ts for the options, docs/benchmarks.md for the
 * figures). Exit status: 0 done, 1 a benchmark failed, 2 bad usage.
 */
import { HELP, parseCommandLine, UsageError } from "./cli.js";
import { writeReport } from "./report/write.js";
import { runBenchmarks } from "./run.js";

export async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseCommandLine(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`bench: ${e.message}\n\n${HELP}`);
    return 2;
  }
  if (command === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  const report = await runBenchmarks({
    quick: command.quick,
    only: command.only,
    command: ["pnpm bench", ...command.argv].join(" "),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const files = writeReport(report, command.outDir);
  for (const t of report.targets) process.stdout.write(`${t.status.padEnd(12)} ${t.what}: ${t.measured}\n`);
  process.stdout.write(`wrote ${files.markdown}\nwrote ${files.json}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
