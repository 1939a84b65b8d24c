/**
 * `ferry-conformance compat`: parses the options, runs the gate, prints the
 * report. Exit codes as the rest of the CLI: 0 compatible or correctly
 * versioned, 1 a finding fails, 2 bad usage or unreadable input.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadBaseline, type BaselineChoice } from "./baseline.js";
import { CompatInputError } from "./finding.js";
import { runCompat } from "./gate.js";
import { gitTopLevel } from "./git.js";
import { formatReport, FORMATS, isFormat } from "./report.js";

export const COMPAT_USAGE = `ferry-conformance compat: fail on a protocol change that is not declared

Compares the spec in the working tree with a baseline, change by change: the
.proto files (buf breaking, WIRE_JSON), the GATT table, the error table,
requirement ids, the JSON Schemas; then checks the version rule and
CHANGELOG.md, and (against a git ref) that changed packages have a changeset.

Usage:
  ferry-conformance compat [options]

Options:
  --spec DIR              the working tree's spec (default: spec/ at the top of
                          the current git repository, else ./spec)
  --against-release X.Y   baseline: the release snapshot DIR/releases/X.Y
                          (default baseline: the latest release snapshot)
  --against REF           baseline: a git commit, tag or branch; a branch is
                          compared at its merge-base with HEAD
  --against-dir DIR       baseline: any spec directory
  --require-changesets    a package changed without a changeset fails
                          (default: a warning); needs --against REF
  --format FORMAT         ${Object.keys(FORMATS).join(" | ")} (default: text)
  -h, --help              this help

Exit codes: 0 compatible or correctly versioned, 1 a finding fails (a
breaking change without a new major, an addition without a new minor, a
missing changelog section, ...), 2 bad usage or unreadable input.
In CI: npx ferry-conformance compat --against origin/main --format github-actions`;

export interface CompatIo {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
}

const processIo: CompatIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), cwd: process.cwd() };

/** spec/ at the top of the current repository, else ./spec, else the spec this package was built from. */
export function defaultSpecDir(cwd: string): string {
  const top = gitTopLevel(cwd);
  const candidates = [...(top ? [join(top, "spec")] : []), join(cwd, "spec"), fileURLToPath(new URL("../../../../spec", import.meta.url))];
  return candidates.find((d) => existsSync(join(d, "version.json"))) ?? candidates[0]!;
}

export function runCompatCli(argv: string[], io: CompatIo = processIo): number {
  const usage = (message: string) => {
    io.err(`ferry-conformance compat: ${message}\n\n${COMPAT_USAGE}\n`);
    return 2;
  };
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        spec: { type: "string" },
        against: { type: "string" },
        "against-release": { type: "string" },
        "against-dir": { type: "string" },
        "require-changesets": { type: "boolean" },
        format: { type: "string", default: "text" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    return usage((e as Error).message);
  }
  if (values.help) {
    io.out(`${COMPAT_USAGE}\n`);
    return 0;
  }
  if (!isFormat(values.format)) return usage(`--format must be one of ${Object.keys(FORMATS).join(", ")}, not ${values.format}`);
  const chosen = [values.against, values["against-release"], values["against-dir"]].filter((v) => v !== undefined);
  if (chosen.length > 1) return usage("give at most one of --against, --against-release and --against-dir");
  if (values["require-changesets"] && values.against === undefined) return usage("--require-changesets needs --against REF (changesets are counted since a commit)");
  const specDir = values.spec !== undefined ? resolve(io.cwd, values.spec) : defaultSpecDir(io.cwd);
  if (!existsSync(join(specDir, "version.json"))) return usage(`${specDir} is not a spec directory (no version.json)`);
  const choice: BaselineChoice =
    values.against !== undefined ? { ref: values.against } : values["against-release"] !== undefined ? { release: values["against-release"] } : values["against-dir"] !== undefined ? { dir: resolve(io.cwd, values["against-dir"]) } : { latestRelease: true };

  try {
    const baseline = loadBaseline(specDir, choice);
    try {
      const report = runCompat({ specDir, baseline, requireChangesets: values["require-changesets"] ?? false, cwd: io.cwd });
      io.out(formatReport(report, values.format));
      return report.verdict === "pass" ? 0 : 1;
    } finally {
      baseline.dispose();
    }
  } catch (e) {
    if (!(e instanceof CompatInputError)) throw e;
    io.err(`ferry-conformance compat: ${e.message}\n`);
    return 2;
  }
}
