import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseCommandLine, UsageError } from "../src/cli.js";
import { DOCS_DIR, SCRATCH_DIR } from "../src/paths.js";

describe("bench command line", () => {
  it("writes a full run to docs/, a quick or partial one elsewhere", () => {
    expect(parseCommandLine([])).toMatchObject({ quick: false, only: undefined, outDir: DOCS_DIR });
    expect(parseCommandLine(["--quick"])).toMatchObject({ quick: true, outDir: SCRATCH_DIR });
    expect(parseCommandLine(["--only", "drain, ingest"])).toMatchObject({ only: ["drain", "ingest"], outDir: SCRATCH_DIR });
    expect(parseCommandLine(["--out", "/x"])).toMatchObject({ outDir: "/x" });
    expect(parseCommandLine(["-h"])).toBe("help");
  });

  it("refuses unknown options and benchmark names", () => {
    expect(() => parseCommandLine(["--fast"])).toThrow(UsageError);
    expect(() => parseCommandLine(["--only", "codec,speed"])).toThrow(/--only takes names/);
    expect(() => parseCommandLine(["--only", ""])).toThrow(UsageError);
    expect(() => parseCommandLine(["extra"])).toThrow(UsageError);
  });

  it("exits with status 2 and the usage on bad usage", () => {
    const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
    const r = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", main, "--only", "nothing"], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Usage: pnpm bench");
  });
});
