/**
 * Requirement ids, baseline against working tree [VER-12]. Ids are permanent:
 * a removed requirement stays as a tombstone, an id is never reused, and a
 * requirement that changes meaning is tombstoned and replaced by a new id
 * (spec/00-introduction.md 0.4).
 *
 * Text changes under an existing id: any change of a MUST, a raised level, and
 * a MUST lowered are breaking (an implementation that met the old text may not
 * meet the new one, or a peer relied on the MUST); a changed SHOULD or MAY is
 * info. Whitespace and line wrapping do not count. An editorial fix of a MUST
 * is declared in an unreleased section of the changelog
 * (`- Editorial: [ENV-3] typo.`) and is then info.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { finding, type Finding, type Severity } from "./finding.js";
import { listFiles } from "./spec-files.js";
import { CHAPTER_FILE, parseChapter, tombstoneVersion, type Requirement, type RequirementLevel } from "./requirements-parse.js";

export function readRequirements(specDir: string): Map<string, Requirement> {
  const byId = new Map<string, Requirement>();
  for (const chapter of listFiles(specDir, ".", CHAPTER_FILE)) {
    for (const r of parseChapter(chapter, readFileSync(join(specDir, chapter), "utf8")).requirements) byId.set(r.id, r);
  }
  return byId;
}

const RANK: Record<RequirementLevel, number> = { REMOVED: 0, MAY: 1, SHOULD: 2, MUST: 3 };
const normalise = (text: string) => text.replace(/\s+/g, " ").trim();
const chapterNumber = (chapter: string) => chapter.slice(0, 2);

/** Who a requirement addresses, from the role words in its text. */
function addressed(r: Requirement): string[] {
  const roles = ["device", "app", "server"].filter((role) => new RegExp(`\\b${role}s?\\b`).test(r.text)).map((role) => `${role}s`);
  return roles.length > 0 ? roles : ["implementations"];
}

export interface RequirementDiffOptions {
  /** The working tree's version, which a new tombstone must name. */
  workingVersion?: string;
  /** Ids whose text change the changelog declares editorial. */
  editorial?: Set<string>;
}

export function diffRequirements(before: Map<string, Requirement>, after: Map<string, Requirement>, options: RequirementDiffOptions = {}): Finding[] {
  const out: Finding[] = [];
  // A requirement gone from the working tree has no line to point at.
  const add = (r: Requirement, rule: string, severity: Severity, message: string, onLine = true) =>
    out.push(finding({ file: r.chapter, ...(onLine ? { line: r.line } : {}), location: `[${r.id}]`, rule, severity, message, breaks: addressed(r) }));

  for (const [id, b] of before) {
    const a = after.get(id);
    if (!a) {
      if (b.level === "REMOVED") add(b, "REQ_TOMBSTONE_DELETED", "breaking", `the tombstone of [${id}] was deleted; it must stay so the id is never reused [VER-12]`, false);
      else add(b, "REQ_REMOVED_WITHOUT_TOMBSTONE", "breaking", `[${id}] (${b.level}, ${b.chapter}) was removed without a tombstone "*Removed in X.Y: why.*" [VER-12]`, false);
      continue;
    }
    if (b.level === "REMOVED" && a.level !== "REMOVED") {
      add(a, "REQ_ID_REUSED", "breaking", `[${id}] was a tombstone and is live again (${a.level}): a new requirement takes a new id [VER-12]`);
      continue;
    }
    if (chapterNumber(a.chapter) !== chapterNumber(b.chapter)) {
      add(a, "REQ_ID_REUSED", "breaking", `[${id}] moved from ${b.chapter} to ${a.chapter}: its prefix now means another chapter [VER-12]`);
      continue;
    }
    if (a.level === "REMOVED" && b.level !== "REMOVED") {
      const removed = tombstoneVersion(a.text);
      if (options.workingVersion && removed !== options.workingVersion) {
        add(a, "REQ_TOMBSTONE_VERSION_MISMATCH", "error", `the tombstone of [${id}] names ${removed ?? "no version"}, but this change is version ${options.workingVersion}`);
      }
      add(a, "REQ_REMOVED", b.level === "MUST" ? "breaking" : "additive", `[${id}] (${b.level}) was removed (tombstone)` + (b.level === "MUST" ? ": peers relied on it" : ""));
      continue;
    }
    if (a.level === "REMOVED" || normalise(a.text) === normalise(b.text)) continue;
    if (RANK[a.level] > RANK[b.level]) {
      add(a, "REQ_LEVEL_RAISED", "breaking", `[${id}] went from ${b.level} to ${a.level}: existing implementations may not meet it`);
    } else if (RANK[a.level] < RANK[b.level]) {
      add(a, "REQ_LEVEL_LOWERED", b.level === "MUST" ? "breaking" : "info", `[${id}] went from ${b.level} to ${a.level}` + (b.level === "MUST" ? ": peers relied on the MUST" : ""));
    } else if (a.level === "MUST" && !options.editorial?.has(id)) {
      add(a, "REQ_TEXT_CHANGED", "breaking", `the text of MUST [${id}] changed: a requirement that changes meaning takes a new id (tombstone the old one), an editorial fix is declared in CHANGELOG.md`);
    } else {
      add(a, "REQ_TEXT_CHANGED", "info", `the text of ${a.level} [${id}] changed` + (a.level === "MUST" ? " (declared editorial in CHANGELOG.md)" : ""));
    }
  }

  for (const [id, a] of after) {
    if (before.has(id)) continue;
    if (a.level === "MUST") add(a, "REQ_MUST_ADDED", "breaking", `new MUST [${id}]: existing implementations of the released version do not meet it yet`);
    else if (a.level === "REMOVED") add(a, "REQ_ADDED", "info", `[${id}] was added as a tombstone`);
    else add(a, "REQ_ADDED", "additive", `new ${a.level} [${id}]`);
  }
  return out;
}
