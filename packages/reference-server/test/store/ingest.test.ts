import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isProtocolError } from "@ferry/protocol";
import type { SqliteStore } from "../../src/store/index.js";
import { accounting, allDeliveries, bytes, DEVICE, EPOCH, openStore, request, run, show, tempDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
let store: SqliteStore;
const key = { stream: 1, epoch: EPOCH };

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

describe("ingest", () => {
  it("[ACK-2] [ACK-4] stores a run and reports custody of its stream", async () => {
    const o = await ingest1({ runs: [run(0n, [bytes(1), bytes(2), bytes(3)])] });
    expect(o).toEqual({
      stored: 3,
      duplicates: 0,
      conflicts: [],
      custody: [{ stream: 1, epoch: EPOCH, nextSeq: 3n, received: [], accounted: [] }],
    });
  });

  it("[ACK-7] [ID-1] a repeated identity with the same payload is a duplicate, stored and delivered once", async () => {
    await ingest1({ runs: [run(0n, [bytes(1), bytes(2)])] });
    const o = await ingest1({ runs: [run(1n, [bytes(2), bytes(3)])] });
    expect(o.stored).toBe(1);
    expect(o.duplicates).toBe(1);
    expect(o.custody[0]!.nextSeq).toBe(3n);
    expect((await allDeliveries(store)).map(show)).toEqual([`e1@${EPOCH}:0`, `e1@${EPOCH}:1`, `e1@${EPOCH}:2`]);
  });

  it("[ACK-7] duplicates within one group commit count once", async () => {
    const r = request({ runs: [run(5n, [bytes(5)])] });
    const [a, b] = await store.ingest([r, r]);
    expect([a!.stored, a!.duplicates, b!.stored, b!.duplicates]).toEqual([1, 0, 0, 1]);
  });

  it("[ACK-8] a different payload for a held identity is a conflict; the stored event is untouched", async () => {
    await ingest1({ runs: [run(0n, [bytes(1), bytes(2)])] });
    await ingest1({ runs: [run(4n, [bytes(4)])] }); // held above a gap
    const o = await ingest1({ runs: [run(1n, [bytes(9), bytes(3)]), run(4n, [bytes(8)])] });
    expect(o.conflicts).toEqual([
      { stream: 1, epoch: EPOCH, seq: 1n },
      { stream: 1, epoch: EPOCH, seq: 4n },
    ]);
    expect(o.stored).toBe(1);
    // Custody unchanged for the conflicting identities: still covered.
    expect(o.custody).toEqual([{ stream: 1, epoch: EPOCH, nextSeq: 3n, received: [{ first: 4n, last: 4n }], accounted: [] }]);
    await ingest1({ runs: [run(3n, [bytes(3)])] });
    const log = await allDeliveries(store);
    expect(log.map((d) => (d.kind === "event" ? [d.seq, [...d.payload]] : d.kind))).toEqual([
      [0n, [1]],
      [1n, [2]],
      [2n, [3]],
      [3n, [3]],
      [4n, [4]],
    ]);
  });

  it("[ID-2] [ID-6] epochs are separate sequence spaces", async () => {
    const o = await ingest1({ runs: [run(0n, [bytes(1)], { epoch: 7 }), run(0n, [bytes(2)], { epoch: 8 })] });
    expect(o.stored).toBe(2);
    expect(o.conflicts).toEqual([]);
    expect(o.custody.map((c) => [c.epoch, c.nextSeq])).toEqual([
      [7, 1n],
      [8, 1n],
    ]);
    // The older epoch goes on being accepted after the newer one started.
    const again = await ingest1({ runs: [run(1n, [bytes(3)], { epoch: 7 })] });
    expect(again.custody[0]).toMatchObject({ epoch: 7, nextSeq: 2n });
    const payloads = (await allDeliveries(store)).map((d) => (d.kind === "event" ? [d.epoch, d.seq, d.payload[0]] : []));
    expect(payloads).toEqual([
      [7, 0n, 1],
      [8, 0n, 2],
      [7, 1n, 3],
    ]);
  });

  it("[LIFE-11] devices and streams are separate sequence spaces too", async () => {
    const other = bytes(0xd0, 0x02);
    await ingest1({ runs: [run(0n, [bytes(1)]), run(0n, [bytes(2)], { stream: 2 })] });
    const o = await ingest1({ deviceId: other, runs: [run(0n, [bytes(3)])] });
    expect(o.stored).toBe(1);
    expect(await store.custody(DEVICE, [key, { stream: 2, epoch: EPOCH }])).toMatchObject([{ nextSeq: 1n }, { nextSeq: 1n }]);
  });

  it("[ACK-12] holds events above a gap until the gap is filled", async () => {
    const o = await ingest1({ runs: [run(2n, [bytes(2), bytes(3)]), run(6n, [bytes(6)])] });
    expect(o.custody[0]).toEqual({
      stream: 1,
      epoch: EPOCH,
      nextSeq: 0n,
      received: [
        { first: 2n, last: 3n },
        { first: 6n, last: 6n },
      ],
      accounted: [],
    });
    expect(await allDeliveries(store)).toEqual([]);
    await ingest1({ runs: [run(1n, [bytes(1)])] });
    expect(await allDeliveries(store)).toEqual([]);
    await ingest1({ runs: [run(0n, [bytes(0)])] });
    expect((await allDeliveries(store)).map((d) => (d.kind === "event" ? d.seq : -1n))).toEqual([0n, 1n, 2n, 3n]);
  });

  it("[ACK-12] [ACK-11] holds events above a gap until the gap is accounted, and logs the accounting in order", async () => {
    await ingest1({ runs: [run(3n, [bytes(3)])] });
    const o = await ingest1({ accountings: [accounting([{ first: 0n, last: 2n, reason: "overflow" }])] });
    expect(o.custody[0]).toEqual({ stream: 1, epoch: EPOCH, nextSeq: 4n, received: [], accounted: [] });
    expect((await allDeliveries(store)).map(show)).toEqual([`a1@${EPOCH}:0-2:overflow`, `e1@${EPOCH}:3`]);
  });

  it("[ACK-9] [ACK-6] reports received and accounted ranges above next_seq, ascending, disjoint, merged", async () => {
    const o = await ingest1({
      runs: [run(2n, [bytes(2)]), run(3n, [bytes(3)]), run(9n, [bytes(9)])],
      accountings: [
        accounting([
          { first: 5n, last: 6n, reason: "expired" },
          { first: 7n, last: 7n, reason: "expired" },
          { first: 8n, last: 8n, reason: "overflow" },
        ]),
      ],
    });
    expect(o.custody[0]).toEqual({
      stream: 1,
      epoch: EPOCH,
      nextSeq: 0n,
      received: [
        { first: 2n, last: 3n },
        { first: 9n, last: 9n },
      ],
      accounted: [
        { first: 5n, last: 7n, reason: "expired" },
        { first: 8n, last: 8n, reason: "overflow" },
      ],
    });
  });

  it("[ACK-11] an accounting never overrides a held event; repeated accountings are idempotent", async () => {
    await ingest1({ runs: [run(1n, [bytes(1)])] });
    const a = accounting([{ first: 0n, last: 3n, reason: "expired" }]);
    await ingest1({ accountings: [a] });
    const again = await ingest1({ accountings: [a, accounting([{ first: 2n, last: 5n, reason: "overflow" }])] });
    expect(again.custody[0]).toEqual({ stream: 1, epoch: EPOCH, nextSeq: 6n, received: [], accounted: [] });
    expect((await allDeliveries(store)).map(show)).toEqual([
      `a1@${EPOCH}:0-0:expired`,
      `e1@${EPOCH}:1`,
      `a1@${EPOCH}:2-3:expired`,
      `a1@${EPOCH}:4-5:overflow`,
    ]);
    expect(await store.accounted(DEVICE, key)).toEqual([
      { first: 0n, last: 0n, reason: "expired" },
      { first: 2n, last: 3n, reason: "expired" },
      { first: 4n, last: 5n, reason: "overflow" },
    ]);
  });

  it("[ACK-7] an event whose seq is accounted is a duplicate of the accounting: not stored", async () => {
    await ingest1({ accountings: [accounting([{ first: 0n, last: 0n, reason: "expired" }, { first: 5n, last: 5n, reason: "overflow" }])] });
    const o = await ingest1({ runs: [run(0n, [bytes(0)]), run(5n, [bytes(5)])] });
    expect(o).toMatchObject({ stored: 0, duplicates: 2, conflicts: [] });
    expect((await allDeliveries(store)).map(show)).toEqual([`a1@${EPOCH}:0-0:expired`]);
  });

  it("[HS-4] a stream never seen has next_seq 0 and no ranges", async () => {
    expect(await store.custody(DEVICE, [{ stream: 9, epoch: 1 }])).toEqual([
      { stream: 9, epoch: 1, nextSeq: 0n, received: [], accounted: [] },
    ]);
    expect(await store.accounted(DEVICE, { stream: 9, epoch: 1 })).toEqual([]);
  });

  it("[PRIO-6] [PRIO-7] an event whose deadline passed before it became deliverable is accounted EXPIRED, not logged", async () => {
    await ingest1({ nowMs: 1_000, runs: [run(1n, [bytes(1), bytes(2)], { ttlMs: 500, priority: "realtime" }), run(3n, [bytes(3)])] });
    // Seq 0 arrives after seq 1 and 2 expired (deadline 1500); seq 3 has no TTL.
    await ingest1({ nowMs: 1_500, runs: [run(0n, [bytes(0)], { ttlMs: 500, priority: "realtime" })] });
    expect((await allDeliveries(store)).map(show)).toEqual([`e1@${EPOCH}:0`, `a1@${EPOCH}:1-2:expired`, `e1@${EPOCH}:3`]);
    expect(await store.accounted(DEVICE, key)).toEqual([{ first: 1n, last: 2n, reason: "expired" }]);
    const [first] = await allDeliveries(store);
    expect(first).toMatchObject({ kind: "event", expiresAtMs: 2_000, priority: "realtime", receivedAtMs: 1_500 });
    // The identity stays held: a repeat is a duplicate, a different payload a conflict.
    const o = await ingest1({ runs: [run(1n, [bytes(1), bytes(7)])] });
    expect(o).toMatchObject({ duplicates: 1, conflicts: [{ stream: 1, epoch: EPOCH, seq: 2n }] });
  });

  it("[ENV-5] [ID-5] [ID-3] refuses requests it cannot store with INVALID_FIELD and stores nothing", async () => {
    const bad = [
      request({ runs: [run(0n, [bytes(1)], { epoch: 0 })] }),
      request({ runs: [run((1n << 64n) - 2n, [bytes(1), bytes(2)])] }),
      request({ runs: [run(0n, [])] }),
      request({ deviceId: new Uint8Array(17), runs: [run(0n, [bytes(1)])] }),
      request({ accountings: [accounting([{ first: 0n, last: 1n, reason: "expired" }], { epoch: 0 })] }),
    ];
    for (const r of bad) {
      const e = await store.ingest([request({ runs: [run(0n, [bytes(1)])] }), r]).catch((x: unknown) => x);
      expect(isProtocolError(e, "INVALID_FIELD")).toBe(true);
    }
    expect(await allDeliveries(store)).toEqual([]);
    expect(store.commits).toBe(0);
  });

  it("[ID-5] an accounting reaching 2^64-1 is cut at 2^64-2, so next_seq stays a uint64", async () => {
    const max = (1n << 64n) - 1n;
    const o = await ingest1({ accountings: [accounting([{ first: 0n, last: max, reason: "overflow" }])] });
    expect(o.custody[0]!.nextSeq).toBe(max);
  });

  it("[ACK-2] an empty group commits nothing", async () => {
    expect(await store.ingest([])).toEqual([]);
    expect(store.commits).toBe(0);
  });
});
