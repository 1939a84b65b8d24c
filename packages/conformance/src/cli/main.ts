#!/usr/bin/env node
/**
 * ferry-conformance: checks an implementation against the Ferry spec.
 *
 * Exit codes: 0 every selected case passed, 1 a case failed, 2 bad usage,
 * an invalid capability statement, or a target that cannot be reached
 * [CONF-13]. The summary is always the last thing printed.
 */
import { runCompatCli } from "../compat/cli.js";
import { TargetUnreachable } from "../runner/case.js";
import { protocolVersion, TOOL } from "../report/spec-files.js";
import { casesCommand } from "./cases-command.js";
import { icsCommand } from "./ics-command.js";
import { processIo } from "./io.js";
import { parseRunOptions, UsageError } from "./options.js";
import { replayCommand } from "./replay-command.js";
import { runCommand } from "./run-command.js";
import { USAGE } from "./usage.js";
import { vectorsCommand } from "./vectors-command.js";

const COMMANDS = new Set(["run", "replay", "cases", "ics", "vectors", "compat"]);
const out = (t: string) => void process.stdout.write(t);
const err = (t: string) => void process.stderr.write(t);

async function main(argv: string[]): Promise<number> {
  const first = argv[0];
  if (first === "--help" || first === "-h" || first === "help") return out(`${USAGE}\n`), 0;
  if (first === "--version") return out(`${TOOL.name} ${TOOL.version} for Ferry protocol ${protocolVersion()}\n`), 0;
  const command = first === undefined || first.startsWith("-") ? "run" : first;
  if (!COMMANDS.has(command)) throw new UsageError(`unknown command: ${first}`);
  const rest = command === first ? argv.slice(1) : argv;
  switch (command) {
    case "compat":
      return runCompatCli(rest);
    case "vectors":
      return vectorsCommand(rest);
    case "ics":
      return icsCommand(rest, out, err);
    case "cases":
      return casesCommand(rest, out);
    case "replay":
      return replayCommand(rest, processIo("text"));
    default: {
      if (rest.includes("--help") || rest.includes("-h")) return out(`${USAGE}\n`), 0;
      const { options, positionals } = parseRunOptions(rest);
      if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(" ")}`);
      return (await runCommand(options, processIo(options.format))).code;
    }
  }
}

main(process.argv.slice(2))
  .catch((e: unknown) => {
    if (e instanceof UsageError) err(`ferry-conformance: ${e.message}\n(ferry-conformance --help lists the commands and options)\n`);
    else if (e instanceof TargetUnreachable) err(`ferry-conformance: ${e.message}\n`);
    else err(`ferry-conformance: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 2;
  })
  .then((code) => {
    process.exitCode = code;
    // A case that timed out may leave a socket behind: do not wait for it.
    setTimeout(() => process.exit(code), 1000).unref();
  });
