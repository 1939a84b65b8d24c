/**
 * spec/CHANGELOG.md, read for the version rule: every version has a `## X.Y`
 * section [VER-11], and the sections of versions not yet released may
 * declare a reworded MUST editorial.
 */
import { compareVersions, parseVersion, type ProtocolVersion } from "./protocol-version.js";

export interface ChangelogSection {
  /** The heading's text after `## `. */
  heading: string;
  /** The version the heading starts with, or undefined ("Unreleased"). */
  version?: ProtocolVersion;
  line: number;
  body: string[];
}

export function changelogSections(text: string): ChangelogSection[] {
  const sections: ChangelogSection[] = [];
  text.split("\n").forEach((raw, i) => {
    const m = /^##\s+(.*)$/.exec(raw);
    if (m) {
      const heading = m[1]!.trim();
      const version = parseVersion(/^v?([0-9]+\.[0-9]+)/.exec(heading)?.[1] ?? "");
      sections.push({ heading, ...(version ? { version } : {}), line: i + 1, body: [] });
    } else {
      sections.at(-1)?.body.push(raw);
    }
  });
  return sections;
}

export function sectionFor(sections: ChangelogSection[], version: ProtocolVersion): ChangelogSection | undefined {
  return sections.find((s) => s.version && compareVersions(s.version, version) === 0);
}

/**
 * Ids a changelog declares editorially changed, in the sections newer than
 * `released` (or headed without a version, "Unreleased"): a line saying
 * "editorial" and citing the ids, e.g. `- Editorial: [ENV-3] typo fixed.`
 */
export function editorialIds(text: string | undefined, released: ProtocolVersion | undefined): Set<string> {
  const ids = new Set<string>();
  if (text === undefined) return ids;
  for (const s of changelogSections(text)) {
    const open = !s.version || !released || compareVersions(s.version, released) > 0;
    if (!open) continue;
    for (const line of s.body) {
      if (!/editorial/i.test(line)) continue;
      for (const m of line.matchAll(/\[([A-Z]+-\d+)\]/g)) ids.add(m[1]!);
    }
  }
  return ids;
}
