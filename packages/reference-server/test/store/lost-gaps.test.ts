/**
 * The server accounts a gap nobody will fill as lost after its gap timeout,
 * and hands on [ACK-21]: held events are then delivered in order after the
 * lost range, and a late event of the range is a duplicate [ACK-7].
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { SCHEMA_VERSION, type SqliteStore } from "../../src/store/index.js";
import { MIGRATIONS } from "../../src/store/schema.js";
import { seqBlob } from "../../src/store/seq.js";
import { accounting, allDeliveries, bytes, DEVICE, EPOCH, openStore, request, run, show, tempDir } from "./helpers.js";

const HOUR = 3_600_000;
const T0 = 1_000_000;
const key = { stream: 1, epoch: EPOCH };

let tmp: ReturnType<typeof tempDir>;
let store: SqliteStore;
beforeEach(() => {
  tmp = tempDir();
  store = openStore(tmp.file());
});
afterEach(async () => {
  await store.close();
  tmp.cleanup();
});

async function ingest1(...args: Parameters<typeof request>) {
  const [o] = await store.ingest([request(...args)]);
  return o!;
}

const log = async () => (await allDeliveries(store)).map(show);
const gap = (first: bigint, last: bigint, where: { stream?: number; epoch?: number; deviceId?: Uint8Array } = {}) => ({
  deviceId: where.deviceId ?? DEVICE,
  stream: where.stream ?? 1,
  epoch: where.epoch ?? EPOCH,
  first,
  last,
});

describe("lost gaps", () => {
  it("[ACK-21] [ACK-12] a gap open for the gap timeout is accounted lost, then the held events follow in order", async () => {
    await ingest1({ runs: [run(0n, [bytes(0), bytes(1)])], nowMs: T0 });
    await ingest1({ runs: [run(5n, [bytes(5), bytes(6)])], nowMs: T0 + 10 });
    // One ms short of the timeout: still waiting.
    expect(await store.accountLostGaps(T0 + 10 + HOUR - 1, HOUR)).toEqual([]);
    expect(await store.accountLostGaps(T0 + 10 + HOUR, HOUR)).toEqual([gap(2n, 4n)]);
    expect(await log()).toEqual([`e1@${EPOCH}:0`, `e1@${EPOCH}:1`, `a1@${EPOCH}:2-4:lost`, `e1@${EPOCH}:5`, `e1@${EPOCH}:6`]);
    expect(await store.custody(DEVICE, [key])).toEqual([{ ...key, nextSeq: 7n, received: [], accounted: [] }]);
    expect(await store.accounted(DEVICE, key)).toEqual([{ first: 2n, last: 4n, reason: "lost" }]);
    // Nothing left to account: a second sweep is a no-op.
    expect(await store.accountLostGaps(T0 + 2 * HOUR, HOUR)).toEqual([]);
  });

  it("[ACK-21] a gap younger than the timeout is left alone, and a store with no gap accounts nothing", async () => {
    expect(await store.accountLostGaps(T0, HOUR)).toEqual([]);
    await ingest1({ runs: [run(0n, [bytes(0)])], nowMs: T0 });
    expect(await store.accountLostGaps(T0 + 2 * HOUR, HOUR)).toEqual([]);
    await ingest1({ runs: [run(3n, [bytes(3)])], nowMs: T0 + HOUR });
    expect(await store.accountLostGaps(T0 + 2 * HOUR - 1, HOUR)).toEqual([]);
    expect(await store.custody(DEVICE, [key])).toEqual([{ ...key, nextSeq: 1n, received: [{ first: 3n, last: 3n }], accounted: [] }]);
    expect(await log()).toEqual([`e1@${EPOCH}:0`]);
    // Filled in time: delivered, never accounted.
    await ingest1({ runs: [run(1n, [bytes(1), bytes(2)])], nowMs: T0 + 2 * HOUR - 1 });
    expect(await store.accountLostGaps(T0 + 9 * HOUR, HOUR)).toEqual([]);
    expect(await store.accounted(DEVICE, key)).toEqual([]);
  });

  it("[ACK-21] [ACK-7] [ACK-22] a late event of the lost range is a duplicate: acknowledged with the reason, not stored, never delivered", async () => {
    await ingest1({ runs: [run(2n, [bytes(2)])], nowMs: T0 });
    await store.accountLostGaps(T0 + HOUR, HOUR);
    const before = await log();
    expect(before).toEqual([`a1@${EPOCH}:0-1:lost`, `e1@${EPOCH}:2`]);
    const o = await ingest1({ runs: [run(0n, [bytes(0), bytes(1)])], nowMs: T0 + 2 * HOUR });
    expect(o).toEqual({ stored: 0, duplicates: 2, conflicts: [], custody: [{ ...key, nextSeq: 3n, received: [], accounted: [{ first: 0n, last: 1n, reason: "lost" }] }] });
    expect(await log()).toEqual(before);
    expect(await store.accounted(DEVICE, key)).toEqual([{ first: 0n, last: 1n, reason: "lost" }]);
  });

  it("[ACK-21] one sweep accounts each old gap of a stream in turn, and stops at a gap whose events are young", async () => {
    await ingest1({ runs: [run(3n, [bytes(3)])], nowMs: T0 });
    await ingest1({ runs: [run(6n, [bytes(6)])], nowMs: T0 + 1 });
    await ingest1({ runs: [run(9n, [bytes(9)])], nowMs: T0 + HOUR });
    expect(await store.accountLostGaps(T0 + HOUR + 1, HOUR)).toEqual([gap(0n, 2n), gap(4n, 5n)]);
    expect(await log()).toEqual([`a1@${EPOCH}:0-2:lost`, `e1@${EPOCH}:3`, `a1@${EPOCH}:4-5:lost`, `e1@${EPOCH}:6`]);
    expect((await store.custody(DEVICE, [key]))[0]).toMatchObject({ nextSeq: 7n, received: [{ first: 9n, last: 9n }] });
  });

  it("[ACK-21] [ACK-11] a gap below a sender's accounting is lost too; accountings alone above a gap hold no event back", async () => {
    await ingest1({
      runs: [run(5n, [bytes(5)])],
      accountings: [accounting([{ first: 2n, last: 3n, reason: "overflow" }])],
      nowMs: T0,
    });
    await ingest1({ accountings: [accounting([{ first: 4n, last: 4n, reason: "expired" }], { stream: 2 })], nowMs: T0 });
    expect(await store.accountLostGaps(T0 + 5 * HOUR, HOUR)).toEqual([gap(0n, 1n), gap(4n, 4n)]);
    expect(await log()).toEqual([`a1@${EPOCH}:0-1:lost`, `a1@${EPOCH}:2-3:overflow`, `a1@${EPOCH}:4-4:lost`, `e1@${EPOCH}:5`]);
    // Stream 2 holds no event above its gap: nothing to hold back, nothing to declare.
    expect(await store.custody(DEVICE, [{ stream: 2, epoch: EPOCH }])).toEqual([
      { stream: 2, epoch: EPOCH, nextSeq: 0n, received: [], accounted: [{ first: 4n, last: 4n, reason: "expired" }] },
    ]);
  });

  it("[ACK-21] [ID-6] [LIFE-11] streams, epochs and devices are accounted independently", async () => {
    const other = bytes(0xd0, 0x02);
    await store.ingest([
      request({ runs: [run(2n, [bytes(2)]), run(1n, [bytes(1)], { stream: 2 })], nowMs: T0 }),
      request({ runs: [run(4n, [bytes(4)], { epoch: EPOCH + 1 })], nowMs: T0 + HOUR }),
      request({ deviceId: other, runs: [run(0n, [bytes(0)]), run(3n, [bytes(3)])], nowMs: T0 }),
    ]);
    const gaps = await store.accountLostGaps(T0 + HOUR, HOUR);
    expect(gaps).toHaveLength(3);
    expect(gaps).toEqual(
      expect.arrayContaining([gap(0n, 1n), gap(0n, 0n, { stream: 2 }), gap(1n, 2n, { deviceId: other })]),
    );
    // The young epoch waits; it goes an hour later, on its own.
    expect(await store.accountLostGaps(T0 + 2 * HOUR, HOUR)).toEqual([gap(0n, 3n, { epoch: EPOCH + 1 })]);
    const keys = [key, { stream: 2, epoch: EPOCH }, { stream: 1, epoch: EPOCH + 1 }];
    expect((await store.custody(DEVICE, keys)).map((a) => a.nextSeq)).toEqual([3n, 2n, 5n]);
    expect((await store.custody(other, [key]))[0]!.nextSeq).toBe(4n);
  });

  it("[ACK-21] [PRIO-6] events above the lost range that expired meanwhile are accounted expired at hand-off", async () => {
    await ingest1({ runs: [run(1n, [bytes(1)], { ttlMs: 60_000 }), run(2n, [bytes(2)])], nowMs: T0 });
    expect(await store.accountLostGaps(T0 + HOUR, HOUR)).toEqual([gap(0n, 0n)]);
    expect(await log()).toEqual([`a1@${EPOCH}:0-0:lost`, `a1@${EPOCH}:1-1:expired`, `e1@${EPOCH}:2`]);
  });

  it("[ACK-21] [ACK-2] the accounting is durable: reopening the file finds it, and late events stay duplicates", async () => {
    const path = tmp.file();
    const first = openStore(path);
    await first.ingest([request({ runs: [run(3n, [bytes(3)])], nowMs: T0 })]);
    await first.accountLostGaps(T0 + HOUR, HOUR);
    const delivered = await allDeliveries(first);
    await first.close();

    const second = openStore(path);
    try {
      expect(await allDeliveries(second)).toEqual(delivered);
      expect(delivered.map(show)).toEqual([`a1@${EPOCH}:0-2:lost`, `e1@${EPOCH}:3`]);
      expect(await second.accounted(DEVICE, key)).toEqual([{ first: 0n, last: 2n, reason: "lost" }]);
      const [o] = await second.ingest([request({ runs: [run(1n, [bytes(1)])], nowMs: T0 + 2 * HOUR })]);
      expect(o).toMatchObject({ stored: 0, duplicates: 1, custody: [{ nextSeq: 4n }] });
      expect(await allDeliveries(second)).toEqual(delivered);
    } finally {
      await second.close();
    }
  });

  it("[ACK-21] a lost accounting relayed by a sender is taken like any other reason", async () => {
    const o = await ingest1({ accountings: [accounting([{ first: 0n, last: 1n, reason: "lost" }])] });
    expect(o.custody[0]!.nextSeq).toBe(2n);
    expect(await log()).toEqual([`a1@${EPOCH}:0-1:lost`]);
  });

  it("refuses a time or timeout that is not a number of ms", async () => {
    await expect(store.accountLostGaps(Number.NaN, HOUR)).rejects.toThrow(RangeError);
    await expect(store.accountLostGaps(T0, -1)).rejects.toThrow(RangeError);
  });
});

describe("schema 2 (REASON_LOST)", () => {
  it("[ACK-21] [ACK-2] a version-1 file is migrated with its data, log positions never reused, and takes lost", async () => {
    const path = tmp.file();
    const raw = new Database(path);
    raw.exec("CREATE TABLE schema_version (version INTEGER NOT NULL)");
    raw.exec(MIGRATIONS[0]!);
    raw.prepare("INSERT INTO schema_version (version) VALUES (1)").run();
    raw.prepare("INSERT INTO streams (id, device_id, epoch, stream, next_seq) VALUES (1, ?, ?, 1, ?)").run(DEVICE, EPOCH, seqBlob(2n));
    const event = raw.prepare("INSERT INTO events (stream_id, seq, priority, payload, received_at_ms) VALUES (1, ?, 'bulk', ?, ?)");
    for (const s of [0n, 1n, 5n]) event.run(seqBlob(s), bytes(Number(s)), T0);
    raw.prepare("INSERT INTO custody_ranges VALUES (1, ?, ?, 'overflow'), (1, ?, ?, NULL)").run(seqBlob(3n), seqBlob(3n), seqBlob(5n), seqBlob(5n));
    raw.prepare("INSERT INTO accounted VALUES (1, ?, ?, 'overflow')").run(seqBlob(3n), seqBlob(3n));
    const delivery = raw.prepare("INSERT INTO deliveries (stream_id, first, last, reason) VALUES (1, ?, ?, NULL)");
    for (const s of [0n, 1n, 9n]) delivery.run(seqBlob(s), seqBlob(s));
    raw.prepare("DELETE FROM deliveries WHERE position = 3").run(); // AUTOINCREMENT remembers 3
    raw.close();

    const migrated = openStore(path);
    try {
      expect(await migrated.custody(DEVICE, [key])).toEqual([
        { ...key, nextSeq: 2n, received: [{ first: 5n, last: 5n }], accounted: [{ first: 3n, last: 3n, reason: "overflow" }] },
      ]);
      expect((await allDeliveries(migrated)).map((d) => [d.position, show(d)])).toEqual([
        [1n, `e1@${EPOCH}:0`],
        [2n, `e1@${EPOCH}:1`],
      ]);
      expect(await migrated.accountLostGaps(T0 + HOUR, HOUR)).toEqual([gap(2n, 2n), gap(4n, 4n)]);
      expect((await allDeliveries(migrated)).map((d) => [d.position, show(d)]).slice(2)).toEqual([
        [4n, `a1@${EPOCH}:2-2:lost`],
        [5n, `a1@${EPOCH}:3-3:overflow`],
        [6n, `a1@${EPOCH}:4-4:lost`],
        [7n, `e1@${EPOCH}:5`],
      ]);
    } finally {
      await migrated.close();
    }
    const check = new Database(path, { readonly: true });
    try {
      expect(check.prepare("SELECT version FROM schema_version").pluck().get()).toBe(SCHEMA_VERSION);
      expect(check.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(check.pragma("foreign_key_check")).toEqual([]);
    } finally {
      check.close();
    }
  });
});
