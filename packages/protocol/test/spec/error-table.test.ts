/**
 * The error table of chapter 13 is the same as spec/errors.json, row by row,
 * so a vendor reading either sees the same codes, faults and actions.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_TABLE, ErrorCode, errorInfo } from "../../src/index.js";

const chapter = readFileSync(new URL("../../../../spec/13-errors.md", import.meta.url), "utf8");

function chapterRows(): string[][] {
  return chapter
    .split("\n")
    .filter((l) => /^\| \d+ \| `[A-Z_]+` \|/.test(l))
    .map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
}

describe("error table", () => {
  it("[ERR-2] chapter 13 lists every code of spec/errors.json with the same columns", () => {
    const rows = chapterRows();
    expect(rows.map((r) => Number(r[0]))).toEqual(ERROR_TABLE.map((e) => e.code));
    for (const [row, e] of rows.map((r, i) => [r, ERROR_TABLE[i]!] as const)) {
      expect(row[1]).toBe(`\`${e.name}\``);
      expect(row[2]).toBe(e.fault);
      expect(row[3]).toBe(e.action);
      expect(row[4]).toBe("websocketClose" in e ? String(e.websocketClose) : "—");
      expect(row[5]).toBe("httpStatus" in e ? String(e.httpStatus) : "—");
      expect(row[6]).toBe(e.summary);
    }
  });

  it("[ERR-2] codes are looked up by name and number from the generated table", () => {
    expect(ErrorCode.FRAGMENT_LOST).toBe(50);
    expect(errorInfo(31)?.name).toBe("SEQUENCE_CONFLICT");
    expect(errorInfo(9999)).toBeUndefined();
  });
});
