/**
 * The baseline the working tree is compared with: a release snapshot
 * (`--against-release X.Y`, by default the latest), a git ref (`--against
 * REF`, its merge-base with HEAD when REF is a branch), or any spec directory
 * (`--against-dir DIR`).
 */
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { CompatInputError } from "./finding.js";
import { baseCommit, extractTree, gitTopLevel } from "./git.js";
import { formatVersion, parseVersion } from "./protocol-version.js";
import { listReleases, releaseDir } from "./releases.js";

export type BaselineChoice = { release: string } | { ref: string } | { dir: string } | { latestRelease: true };

export interface Baseline {
  kind: "release" | "git" | "dir";
  /** The baseline's spec tree. */
  dir: string;
  label: string;
  /** For a git baseline: the repository and the commit, for the changeset check. */
  git?: { repo: string; commit: string };
  /** Removes what loading made (the extracted tree of a git ref). */
  dispose(): void;
}

const nothing = () => {};

export function loadBaseline(specDir: string, choice: BaselineChoice): Baseline {
  if ("dir" in choice) {
    if (!existsSync(join(choice.dir, "version.json"))) throw new CompatInputError(`${choice.dir} is not a spec directory (no version.json)`);
    return { kind: "dir", dir: choice.dir, label: choice.dir, dispose: nothing };
  }
  if ("ref" in choice) return loadGitBaseline(specDir, choice.ref);
  const releases = listReleases(specDir);
  const wanted = "release" in choice ? parseVersion(choice.release) : releases.at(-1);
  if ("release" in choice && !wanted) throw new CompatInputError(`--against-release takes MAJOR.MINOR, not ${choice.release}`);
  if (!wanted) throw new CompatInputError(`${join(specDir, "releases")} holds no release snapshot: pass --against REF or --against-dir DIR`);
  const dir = releaseDir(specDir, wanted);
  if (!releases.some((r) => formatVersion(r) === formatVersion(wanted))) {
    throw new CompatInputError(`no snapshot of release ${formatVersion(wanted)} in ${join(specDir, "releases")} (has: ${releases.map(formatVersion).join(", ") || "none"})`);
  }
  return { kind: "release", dir, label: `release ${formatVersion(wanted)}`, dispose: nothing };
}

function loadGitBaseline(specDir: string, ref: string): Baseline {
  const repo = gitTopLevel(specDir);
  if (!repo) throw new CompatInputError(`--against ${ref}: ${specDir} is not inside a git repository`);
  const base = baseCommit(repo, ref);
  const specPath = relative(realpathSync(repo), realpathSync(specDir)).split(sep).join("/");
  const dir = mkdtempSync(join(tmpdir(), "ferry-compat-baseline-"));
  // Vectors and release snapshots are not compared; skipping them keeps the copy small.
  const count = extractTree(repo, base.commit, specPath, dir, ["vectors", "releases"]);
  if (count === 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new CompatInputError(`--against ${ref}: ${specPath || "."} does not exist at ${base.label}`);
  }
  return { kind: "git", dir, label: base.label, git: { repo, commit: base.commit }, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
