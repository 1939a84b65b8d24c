import fc from "fast-check";
import * as fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { DiskOutbox } from "../../src/outbox/disk-outbox.js";
import { FileLogStorage } from "../../src/outbox/file-log-storage.js";
import { MemoryLogStorage } from "../../src/outbox/memory-log-storage.js";
import { ack, DEV, DEV2, dumpState, E, run, SEED, tempDir } from "./helpers.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const CLASS = ["bulk", "realtime", "critical"] as const;

type Op =
  | { t: "take"; dev: number; stream: number; first: number; count: number; ttl: boolean; signed: boolean }
  | { t: "account"; dev: number; stream: number; first: number; count: number }
  | { t: "ack"; dev: number; stream: number; next: number; hole: boolean }
  | { t: "token"; dev: number; v: number }
  | { t: "command"; dev: number; id: number }
  | { t: "settle"; dev: number; id: number };

const dev = fc.constantFrom(0, 1);
const stream = fc.integer({ min: 0, max: 2 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant("take" as const), dev, stream, first: fc.nat(60), count: fc.integer({ min: 1, max: 6 }), ttl: fc.boolean(), signed: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("account" as const), dev, stream, first: fc.nat(60), count: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("ack" as const), dev, stream, next: fc.nat(70), hole: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("token" as const), dev, v: fc.nat(255) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("command" as const), dev, id: fc.integer({ min: 1, max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("settle" as const), dev, id: fc.integer({ min: 1, max: 30 }) }) },
);

async function play(outbox: DiskOutbox, ops: Op[]): Promise<void> {
  for (const o of ops) {
    const d = [DEV, DEV2][o.dev]!;
    if (o.t === "take") {
      const r = run(o.stream, o.first, o.count, { priority: CLASS[o.stream], ttlMs: o.ttl ? 3_600_000 : 0, signed: o.signed && o.stream !== 1, fill: o.stream * 50 + o.first });
      await outbox.take(d, [r]);
    } else if (o.t === "account") {
      await outbox.takeWithResult(d, [], [{ stream: o.stream, epoch: E, ranges: [{ first: BigInt(o.first), last: BigInt(o.first + o.count - 1), reason: "overflow" }] }], new Map([[o.stream, CLASS[o.stream]!]]));
    } else if (o.t === "ack") {
      const received = o.hole ? [{ first: BigInt(o.next + 2), last: BigInt(o.next + 3) }] : [];
      await outbox.source(d).acknowledge([ack(o.stream, BigInt(o.next), { received })], "hop", 0);
    } else if (o.t === "token") {
      await outbox.saveToken("wss://s", d, Uint8Array.of(o.v));
    } else if (o.t === "command") {
      await outbox.holdCommand(d, { id: BigInt(o.id), payload: Uint8Array.of(o.id), ttlMs: o.id % 2 === 0 ? 0 : 60_000 });
    } else {
      await outbox.settleCommands(d, { ids: [BigInt(o.id)], outcome: "executed", scope: "end-to-end" });
    }
  }
}

const full = (o: DiskOutbox) => ({ state: dumpState(o, [DEV, DEV2]), tokens: [DEV, DEV2].map((d) => o.loadToken("wss://s", d)) });

describe("disk outbox compaction", () => {
  it("[LIFE-5] [DHS-3] [ACK-14] the live state is the same replayed from the log, after compaction, and after compaction and reopen", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40, size: "max" }), async (ops) => {
        const storage = new MemoryLogStorage();
        const options = { clock: () => 1000, capacity: 15, compaction: { minBytes: Number.POSITIVE_INFINITY } };
        const outbox = await DiskOutbox.open(storage, options);
        await play(outbox, ops);
        const live = full(outbox);
        // Replayed from the uncompacted log.
        expect(full(await DiskOutbox.open(new MemoryLogStorage(storage.content), options))).toEqual(live);
        await outbox.compact();
        expect(full(outbox)).toEqual(live);
        const reopened = await DiskOutbox.open(new MemoryLogStorage(storage.content), options);
        expect(full(reopened)).toEqual(live);
        // And the compacted log keeps working like the live one.
        await play(reopened, ops.slice(0, 5));
        await play(outbox, ops.slice(0, 5));
        expect(full(reopened)).toEqual(full(outbox));
      }),
      { seed: SEED, numRuns: 120 },
    );
  });

  it("[LIFE-5] compacts by itself once the dead share passes the threshold, on a real file (temp, fsync, rename)", async () => {
    const file = tmp.file();
    const outbox = await DiskOutbox.open(FileLogStorage.open(file), { compaction: { minBytes: 64 * 1024, deadShare: 0.5 } });
    let largest = 0;
    for (let i = 0; i < 200; i++) {
      await outbox.take(DEV, [run(1, i * 10, 10, { size: 100 })]);
      await outbox.source(DEV).acknowledge([ack(1, BigInt(i * 10 + 8))], "hop", 0);
      await outbox.sync();
      largest = Math.max(largest, fs.statSync(file).size);
    }
    await outbox.compact();
    expect(largest).toBeLessThan(200 * 10 * 100); // compacted along the way
    expect(fs.statSync(file).size).toBeLessThan(64 * 1024);
    expect(fs.existsSync(FileLogStorage.tempOf(file))).toBe(false);
    const live = dumpState(outbox, [DEV]);
    await outbox.close();
    const reopened = await DiskOutbox.openFile(file);
    expect(dumpState(reopened, [DEV])).toEqual(live);
    expect(reopened.held(DEV, { stream: 1, epoch: E })).toEqual([1998n, 1999n]);
    expect(reopened.stats(DEV)[0]).toMatchObject({ taken: 2000, forwarded: 1998, held: 2 });
    await reopened.close();
  });

  it("[ACK-2] records appended while a compaction runs are kept, and a sync asked for meanwhile covers them", async () => {
    const gates: (() => void)[] = [];
    const storage = new MemoryLogStorage(undefined, { defer: () => new Promise<void>((r) => gates.push(r)) });
    const opening = DiskOutbox.open(storage);
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    gates.shift()!();
    const outbox = await opening;
    await Promise.all([outbox.take(DEV, [run(1, 0, 2)]), Promise.resolve().then(() => gates.shift()?.())]);
    const compacting = outbox.compact();
    const taking = outbox.take(DEV, [run(1, 2, 2)]);
    while (gates.length > 0 || storage.unsyncedBytes > 0) {
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await compacting;
    await taking;
    const reopened = await DiskOutbox.open(storage.crash(() => 0));
    expect(reopened.held(DEV, { stream: 1, epoch: E })).toEqual([0n, 1n, 2n, 3n]);
  });
});
