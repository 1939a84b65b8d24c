/** Line numbers by JSON pointer, for annotations. */
import { describe, expect, it } from "vitest";
import { jsonLines, lineOf } from "../../src/compat/json-lines.js";

describe("jsonLines", () => {
  const text = '{\n  "a": {\n    "b~/c": [\n      1,\n      { "d": "x\\"}" }\n    ]\n  },\n  "e": null\n}\n';
  const lines = jsonLines(text);

  it("maps every member and item to its line, with escaped pointer tokens", () => {
    expect(lines.get("")).toBe(1);
    expect(lines.get("/a")).toBe(2);
    expect(lines.get("/a/b~0~1c")).toBe(3);
    expect(lines.get("/a/b~0~1c/0")).toBe(4);
    expect(lines.get("/a/b~0~1c/1/d")).toBe(5);
    expect(lines.get("/e")).toBe(8);
  });

  it("falls back to the nearest ancestor for a pointer the text lacks", () => {
    expect(lineOf(lines, "/a/b~0~1c/7/zz")).toBe(3);
    expect(lineOf(undefined, "/a")).toBeUndefined();
  });
});
