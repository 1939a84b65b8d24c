/**
 * The parser scripts/spec-index.ts and the gate share reads the chapters
 * exactly as the committed index (spec/requirements.json) records them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseChapter, requirementLevel, tombstoneVersion } from "../../src/compat/requirements-parse.js";
import { readRequirements } from "../../src/compat/requirements-diff.js";
import { SPEC } from "./helpers.js";

describe("requirements of the chapters", () => {
  it("[VER-12] match the committed index, id by id", () => {
    const index = JSON.parse(readFileSync(join(SPEC, "requirements.json"), "utf8")) as { requirements: { id: string; level: string; chapter: string; text: string }[] };
    const parsed = [...readRequirements(SPEC).values()].map(({ line: _line, ...r }) => r);
    expect(parsed).toEqual(index.requirements);
  });

  it("take the strongest keyword as the level, and REMOVED for a tombstone", () => {
    expect(requirementLevel("A device MUST send; it MAY wait.")).toBe("MUST");
    expect(requirementLevel("It is RECOMMENDED that ...")).toBe("SHOULD");
    expect(requirementLevel("*Removed in 1.1: superseded.*")).toBe("REMOVED");
    expect(requirementLevel("no keyword")).toBeUndefined();
    expect(tombstoneVersion("*Removed in 1.12: why.*")).toBe("1.12");
  });

  it("continue a list item on its following lines and report malformed ids", () => {
    const { requirements, problems } = parseChapter("03-x.md", "- **[ENV-1]** A sender MUST\n  wrap lines.\n\nSee **[ENV-2]** here.\n- **[ENV-3]** nothing normative\n");
    expect(requirements.map((r) => [r.id, r.level, r.line, r.text])).toEqual([
      ["ENV-1", "MUST", 1, "A sender MUST wrap lines."],
      ["ENV-3", "MAY", 5, "nothing normative"],
    ]);
    expect(problems).toEqual(["03-x.md:4: requirement id not at the start of a list item", "03-x.md:5: [ENV-3] has no RFC 2119 keyword"]);
  });
});
