import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileCursorStore } from "../../src/webhook/cursor-store.js";

describe("FileCursorStore", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-webhook-cursor-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("starts at 0 when nothing was saved", async () => {
    expect(await new FileCursorStore(join(dir, "cursor")).load()).toBe(0n);
  });

  it("[LIFE-12] keeps the last saved cursor across instances (a restart), up to 2^64-1", async () => {
    const path = join(dir, "cursor");
    const store = new FileCursorStore(path);
    await store.save(41n);
    await store.save(42n);
    expect(await new FileCursorStore(path).load()).toBe(42n);
    await store.save(18_446_744_073_709_551_615n);
    expect(await new FileCursorStore(path).load()).toBe(18_446_744_073_709_551_615n);
    expect(await readFile(path, "utf8")).toBe("18446744073709551615\n");
  });

  it("replaces the file by rename and leaves no temp file behind", async () => {
    const path = join(dir, "cursor");
    await new FileCursorStore(path).save(7n);
    expect(await readdir(dir)).toEqual(["cursor"]);
  });

  it("refuses a damaged file instead of restarting from the beginning", async () => {
    const path = join(dir, "cursor");
    await writeFile(path, "12x\n");
    await expect(new FileCursorStore(path).load()).rejects.toThrow(/damaged/);
    await writeFile(path, "");
    await expect(new FileCursorStore(path).load()).rejects.toThrow(/damaged/);
  });

  it("refuses a negative cursor", async () => {
    await expect(new FileCursorStore(join(dir, "cursor")).save(-1n)).rejects.toThrow();
  });

  it("fails loudly when the directory does not exist", async () => {
    await expect(new FileCursorStore(join(dir, "missing", "cursor")).save(1n)).rejects.toThrow();
  });
});
