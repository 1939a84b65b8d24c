/** The file is the store: closing and opening it again loses nothing [ACK-2] [LIFE-11]. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { SCHEMA_VERSION } from "../../src/store/index.js";
import { openDatabase } from "../../src/store/open-database.js";
import { accounting, allDeliveries, bytes, DEVICE, EPOCH, openStore, request, run, tempDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe("reopening the file", () => {
  it("[ACK-2] [LIFE-11] [CMD-3] custody, accountings, the delivery log and commands survive close and open", async () => {
    const path = tmp.file();
    const first = openStore(path);
    await first.ingest([
      request({
        runs: [run(0n, [bytes(0), bytes(1)]), run(5n, [bytes(5)], { ttlMs: 60_000 })],
        accountings: [accounting([{ first: 3n, last: 3n, reason: "overflow" }])],
      }),
    ]);
    const id1 = await first.enqueueCommand(DEVICE, bytes(0xc1), 0, 1_000);
    await first.settleCommands(DEVICE, [id1], "executed", "end-to-end");
    await first.enqueueCommand(DEVICE, bytes(0xc2), 0, 1_000);
    const keys = [{ stream: 1, epoch: EPOCH }];
    const custody = await first.custody(DEVICE, keys);
    const log = await allDeliveries(first);
    await first.close();

    const second = openStore(path);
    expect(await second.custody(DEVICE, keys)).toEqual(custody);
    expect(custody[0]).toEqual({
      stream: 1,
      epoch: EPOCH,
      nextSeq: 2n,
      received: [{ first: 5n, last: 5n }],
      accounted: [{ first: 3n, last: 3n, reason: "overflow" }],
    });
    expect(await allDeliveries(second)).toEqual(log);
    expect(await second.accounted(DEVICE, keys[0]!)).toEqual([{ first: 3n, last: 3n, reason: "overflow" }]);
    // Dedup and ordering continue from the stored state.
    const [o] = await second.ingest([request({ runs: [run(1n, [bytes(1), bytes(2)])] })]);
    expect(o).toMatchObject({ stored: 1, duplicates: 1, custody: [{ nextSeq: 4n, received: [{ first: 5n, last: 5n }] }] });
    expect(await second.commandOutcome(DEVICE, id1)).toEqual({ outcome: "executed", scope: "end-to-end" });
    expect((await second.pendingCommands(DEVICE, 2_000)).map((c) => c.id)).toEqual([2n]);
    expect(await second.enqueueCommand(DEVICE, bytes(0xc3), 0, 3_000)).toBe(3n);
    await second.close();
  });

  it("[ACK-2] opens with WAL, synchronous FULL and foreign keys, and records the schema version", () => {
    const db = openDatabase(tmp.file());
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.pragma("synchronous", { simple: true })).toBe(2); // FULL
      expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(db.pragma("busy_timeout", { simple: true })).toBe(5000);
      expect(db.prepare("SELECT version FROM schema_version").pluck().get()).toBe(SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  it("refuses a file written by a newer schema instead of guessing", async () => {
    const path = tmp.file();
    await openStore(path).close();
    const raw = new Database(path);
    raw.prepare("UPDATE schema_version SET version = ?").run(SCHEMA_VERSION + 1);
    raw.close();
    expect(() => openStore(path)).toThrow(/newer/);
  });
});
