/**
 * Crash safety with real files and real processes: a child takes events in
 * a loop and reports each take once it resolved; it is killed with SIGKILL,
 * mid-write or at a random point. Reopening finds every reported event,
 * once, and cuts and reports the torn tail. Hand-damaged logs: a torn last
 * record is cut, damage inside the log is refused.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { DiskOutbox } from "../../src/outbox/disk-outbox.js";
import { LogCorruptError } from "../../src/outbox/frame.js";
import { DEV, E, run, SEED, tempDir } from "./helpers.js";

const CHILD = fileURLToPath(new URL("./crash-child.ts", import.meta.url));
const PACKAGE = fileURLToPath(new URL("../..", import.meta.url));
const tmp = tempDir();
afterAll(() => tmp.cleanup());
const K = { stream: 1, epoch: E };

interface Line {
  opened?: { records: number; tornBytes: number };
  synced?: number;
  /** Bytes of the record written before the child hung. */
  tearing?: number;
}

/** Runs the child; kills it with SIGKILL once `killWhen` says so; returns what it reported. */
function runChild(args: string[], killWhen: (lines: Line[]) => boolean): Promise<Line[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=source", CHILD, ...args], { cwd: PACKAGE, stdio: ["ignore", "pipe", "pipe"] });
    const lines: Line[] = [];
    let buffer = "";
    let stderr = "";
    let killed = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        lines.push(JSON.parse(buffer.slice(0, nl)) as Line);
        buffer = buffer.slice(nl + 1);
      }
      if (!killed && killWhen(lines)) {
        killed = true;
        child.kill("SIGKILL");
      }
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("exit", (code, signal) => (signal === "SIGKILL" ? resolve(lines) : reject(new Error(`child exited with ${code}: ${stderr}`))));
  });
}

const lastSynced = (lines: Line[]): number => Math.max(-1, ...lines.flatMap((l) => (l.synced === undefined ? [] : [l.synced])));
const range = (n: number): bigint[] => Array.from({ length: n }, (_, i) => BigInt(i));

describe("disk outbox crash safety (real files, kill -9)", () => {
  it("[ACK-2] [LIFE-4] [LIFE-5] a child killed in the middle of writing a record: every synced event comes back once, the torn tail is cut and reported", async () => {
    const file = tmp.file();
    const lines = await runChild([file, "tear", "12"], (ls) => ls.some((l) => l.tearing !== undefined));
    const synced = lastSynced(lines);
    expect(synced).toBe(12 * 5 - 1);
    const torn = lines.find((l) => l.tearing !== undefined)!.tearing!;
    const outbox = await DiskOutbox.openFile(file);
    expect(outbox.recovered.tornBytes).toBe(torn);
    expect(outbox.held(DEV, K)).toEqual(range(synced + 1));
    expect(outbox.custody(DEV)).toEqual([{ stream: 1, epoch: E, nextSeq: BigInt(synced + 1), received: [], accounted: [] }]);
    await outbox.close();
    // The cut is durable: a second open finds nothing torn.
    const again = await DiskOutbox.openFile(file);
    expect(again.recovered.tornBytes).toBe(0);
    expect(again.held(DEV, K)).toEqual(range(synced + 1));
    await again.close();
  });

  it("[ACK-2] [LIFE-5] killed at random points, again and again on one file, the outbox keeps every reported event exactly once", async () => {
    const file = tmp.file();
    let rand = SEED >>> 0;
    const next = () => ((rand = (Math.imul(rand, 1103515245) + 12345) >>> 0) / 2 ** 32);
    let reported = -1;
    for (let round = 0; round < 4; round++) {
      const target = 3 + Math.floor(next() * 40);
      const lines = await runChild([file, "loop"], (ls) => ls.filter((l) => l.synced !== undefined).length >= target);
      reported = Math.max(reported, lastSynced(lines));
      const outbox = await DiskOutbox.openFile(file);
      const held = outbox.held(DEV, K);
      expect(held.slice(0, reported + 1)).toEqual(range(reported + 1));
      expect(new Set(held).size).toBe(held.length);
      await outbox.close();
    }
  });
});

describe("disk outbox: hand-damaged logs", () => {
  async function logOfThreeTakes(): Promise<{ file: string; sizes: number[] }> {
    const file = tmp.file();
    const outbox = await DiskOutbox.openFile(file);
    const sizes: number[] = [];
    for (let i = 0; i < 3; i++) {
      await outbox.take(DEV, [run(1, i * 2, 2)]);
      sizes.push(fs.statSync(file).size);
    }
    await outbox.close();
    return { file, sizes };
  }

  it("[LIFE-5] a last record cut by a few bytes is detected, cut, reported; the rest is recovered", async () => {
    const { file, sizes } = await logOfThreeTakes();
    fs.truncateSync(file, sizes[2]! - 3);
    const outbox = await DiskOutbox.openFile(file);
    expect(outbox.recovered).toEqual({ records: 3, tornBytes: sizes[2]! - 3 - sizes[1]! });
    expect(outbox.held(DEV, K)).toEqual(range(4));
    expect(fs.statSync(file).size).toBe(sizes[1]);
    await outbox.close();
  });

  it("[LIFE-5] a flipped CRC byte in the last record is detected and the rest recovered", async () => {
    const { file, sizes } = await logOfThreeTakes();
    const bytes = fs.readFileSync(file);
    bytes[sizes[1]! + 8]! ^= 0x01; // the CRC of the last record
    fs.writeFileSync(file, bytes);
    const outbox = await DiskOutbox.openFile(file);
    expect(outbox.recovered).toEqual({ records: 3, tornBytes: sizes[2]! - sizes[1]! });
    expect(outbox.held(DEV, K)).toEqual(range(4));
    await outbox.close();
  });

  it("[LIFE-5] [ACK-1] a damaged record inside the log is a hard error naming its offset, never silent loss", async () => {
    const { file, sizes } = await logOfThreeTakes();
    const bytes = fs.readFileSync(file);
    bytes[sizes[0]! + 20]! ^= 0x01; // inside the second take's record
    fs.writeFileSync(file, bytes);
    await expect(DiskOutbox.openFile(file)).rejects.toThrow(LogCorruptError);
    await expect(DiskOutbox.openFile(file)).rejects.toThrow(`byte ${sizes[0]}`);
    expect(fs.readFileSync(file)).toEqual(bytes); // left as it was, for inspection
  });

  it("[LIFE-5] a file that is not an outbox log is refused", async () => {
    const file = tmp.file();
    fs.writeFileSync(file, "hello, not a log\n");
    await expect(DiskOutbox.openFile(file)).rejects.toThrow(LogCorruptError);
  });
});
