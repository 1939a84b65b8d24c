/**
 * The version rule [VER-8] [VER-11]: breaking changes need a new major (minor
 * back to 0), additive ones at least a new minor, counted from the last
 * released version; the version never goes backwards, and a changed version
 * has its section in CHANGELOG.md. Decides which change findings fail.
 */
import { changelogSections, sectionFor } from "./changelog.js";
import { finding, type Finding } from "./finding.js";
import { compareVersions, formatVersion, type ProtocolVersion, type VersionFile } from "./protocol-version.js";

export interface VersionContext {
  /** version.json of the baseline. */
  baseline: VersionFile;
  /** version.json of the working tree; undefined when absent or unreadable. */
  working: VersionFile | undefined;
  /** Line of `protocol` in the working tree's version.json. */
  workingLine?: number;
  /** The last released version the bump is counted from: the baseline itself unless it is unreleased. */
  released: ProtocolVersion | undefined;
  /** The working tree's CHANGELOG.md. */
  changelog: string | undefined;
}

const FILE = "version.json";

export function applyVersionRule(changes: Finding[], ctx: VersionContext): Finding[] {
  const out: Finding[] = [];
  const error = (rule: string, message: string, file = FILE, line = ctx.workingLine, location = "protocol") =>
    out.push(finding({ file, ...(line ? { line } : {}), location, rule, severity: "error", message }));
  const breaking = changes.filter((f) => f.severity === "breaking");
  const additive = changes.filter((f) => f.severity === "additive");
  if (!ctx.working) {
    for (const f of [...breaking, ...additive]) f.fails = true;
    error("VERSION_UNREADABLE", "version.json is missing or has no MAJOR.MINOR version [VER-1]");
    return out;
  }
  const W = ctx.working.version;
  const B = ctx.baseline.version;
  const R = ctx.released;
  for (const problem of ctx.working.problems) error("VERSION_INCONSISTENT", problem);
  if (compareVersions(W, B) < 0) error("VERSION_BACKWARDS", `the version went backwards, from ${formatVersion(B)} to ${formatVersion(W)}`);

  // Without any released version before the baseline, nothing is owed yet.
  const majorBumped = !R || W.major > R.major;
  const bumped = !R || compareVersions(W, R) > 0;
  for (const f of breaking) f.fails = !majorBumped;
  for (const f of additive) f.fails = !bumped;
  const since = R ? `since ${formatVersion(R)}` : "";
  if (R && breaking.length > 0 && !majorBumped) {
    error("VERSION_MAJOR_REQUIRED", `${breaking.length} breaking change(s) ${since} need a new major, ${R.major + 1}.0; version.json says ${formatVersion(W)} [VER-8]`);
  } else if (R && additive.length > 0 && !bumped) {
    error("VERSION_MINOR_REQUIRED", `${additive.length} additive change(s) ${since} need at least a new minor, ${R.major}.${R.minor + 1}; version.json says ${formatVersion(W)} [VER-8]`);
  }
  const reference = R ?? B;
  if (W.major > reference.major && W.minor !== 0) error("VERSION_MINOR_NOT_RESET", `a new major starts at minor 0: expected ${W.major}.0, not ${formatVersion(W)}`);
  if (W.major > reference.major + 1 || (W.major === reference.major && W.minor > reference.minor + 1)) {
    out.push(finding({ file: FILE, ...(ctx.workingLine ? { line: ctx.workingLine } : {}), location: "protocol", rule: "VERSION_SKIPPED", severity: "warning", message: `the version jumps from ${formatVersion(reference)} to ${formatVersion(W)}` }));
  }
  if (compareVersions(W, B) !== 0) {
    const section = ctx.changelog === undefined ? undefined : sectionFor(changelogSections(ctx.changelog), W);
    if (!section) error("CHANGELOG_SECTION_MISSING", `the version changed to ${formatVersion(W)} but CHANGELOG.md has no "## ${formatVersion(W)}" section [VER-11]`, "CHANGELOG.md", 1, `## ${formatVersion(W)}`);
  }
  return out;
}
