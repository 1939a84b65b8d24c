/**
 * Requirements as the chapters write them (spec/00-introduction.md 0.4): a
 * list item that starts with a bold id, `- **[ENV-3]** ...`. Its level is the
 * strongest RFC 2119 keyword it contains; a tombstone (`*Removed in X.Y:
 * why.*`) has level REMOVED and keeps its id forever [VER-12].
 *
 * Shared by scripts/spec-index.ts (the requirement index) and the
 * compatibility gate (requirement diff), so both read the chapters alike.
 */
export type RequirementLevel = "MUST" | "SHOULD" | "MAY" | "REMOVED";

export interface Requirement {
  id: string;
  level: RequirementLevel;
  chapter: string;
  line: number;
  text: string;
}

/** A chapter file: two digits, a dash, a name (`03-envelope.md`). */
export const CHAPTER_FILE = /^\d\d-.*\.md$/;

const ITEM = /^\s*[-*] \*\*\[([A-Z]+-\d+)\]\*\*\s*(.*)$/;
const ANY_ID = /\*\*\[([A-Z]+-\d+)\]\*\*/;

export function requirementLevel(text: string): RequirementLevel | undefined {
  if (/^\*?Removed in /.test(text)) return "REMOVED";
  if (/\b(MUST|SHALL|REQUIRED)\b/.test(text)) return "MUST";
  if (/\b(SHOULD|RECOMMENDED)\b/.test(text)) return "SHOULD";
  if (/\b(MAY|OPTIONAL)\b/.test(text)) return "MAY";
  return undefined;
}

/** The requirements of one chapter's text, and what is malformed in it (as `file:line: problem`). */
export function parseChapter(chapter: string, source: string): { requirements: Requirement[]; problems: string[] } {
  const lines = source.split("\n");
  const out: Requirement[] = [];
  const problems: string[] = [];
  let current: Requirement | undefined;
  lines.forEach((raw, i) => {
    const m = ITEM.exec(raw);
    if (m) {
      current = { id: m[1]!, level: "MAY", chapter, line: i + 1, text: m[2]!.trim() };
      out.push(current);
      return;
    }
    if (ANY_ID.test(raw)) problems.push(`${chapter}:${i + 1}: requirement id not at the start of a list item`);
    // A list item continues on following lines until a blank line, a new item,
    // a heading, a table or a code fence.
    if (current && raw.trim() !== "" && !/^\s*([-*] |\d+\. |#|\||```)/.test(raw)) current.text += " " + raw.trim();
    else current = undefined;
  });
  for (const r of out) {
    const l = requirementLevel(r.text);
    if (!l) problems.push(`${r.chapter}:${r.line}: [${r.id}] has no RFC 2119 keyword`);
    r.level = l ?? "MAY";
  }
  return { requirements: out, problems };
}

/** The version a tombstone names (`Removed in 1.1: ...`). */
export function tombstoneVersion(text: string): string | undefined {
  return /^\*?Removed in ([0-9]+\.[0-9]+)/.exec(text)?.[1];
}
