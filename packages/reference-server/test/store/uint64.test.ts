/**
 * Sequence numbers are uint64 [ID-5] and SQLite integers are signed: the
 * store keeps seqs as 8-byte big-endian BLOBs. These tests put seqs on both
 * sides of 2^63 (where a signed encoding would flip order) and at 2^64-2
 * (the largest a device may assign) and check order, custody and hand-off.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_SEQ, type SqliteStore } from "../../src/store/index.js";
import { seqBlob, seqOf } from "../../src/store/seq.js";
import { accounting, allDeliveries, bytes, DEVICE, EPOCH, openStore, request, run, tempDir } from "./helpers.js";

const B63 = 1n << 63n;
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

describe("uint64 sequence numbers", () => {
  it("[ID-5] encodes seqs so that byte order is numeric order over the whole range", () => {
    const seqs = [0n, 1n, 255n, 256n, B63 - 1n, B63, B63 + 1n, MAX_SEQ, MAX_SEQ + 1n];
    for (const s of seqs) expect(seqOf(seqBlob(s))).toBe(s);
    const sorted = [...seqs].reverse().map(seqBlob).sort(Buffer.compare).map(seqOf);
    expect(sorted).toEqual(seqs);
  });

  it("[ID-5] [ACK-12] a run across 2^63 is held, ordered and handed off in order", async () => {
    // Everything below 2^63 - 2 accounted, then events on both sides of 2^63, arriving high first.
    await store.ingest([request({ runs: [run(B63, [bytes(3), bytes(4)])] })]);
    const [held] = await store.ingest([request({ runs: [run(B63 - 2n, [bytes(1)])] })]);
    expect(held!.custody[0]!.received).toEqual([
      { first: B63 - 2n, last: B63 - 2n },
      { first: B63, last: B63 + 1n },
    ]);
    await store.ingest([
      request({
        runs: [run(B63 - 1n, [bytes(2)])],
        accountings: [accounting([{ first: 0n, last: B63 - 3n, reason: "overflow" }])],
      }),
    ]);
    const log = await allDeliveries(store);
    expect(log.map((d) => (d.kind === "event" ? d.seq : `${d.first}-${d.last}`))).toEqual([
      `0-${B63 - 3n}`,
      B63 - 2n,
      B63 - 1n,
      B63,
      B63 + 1n,
    ]);
    expect((await store.custody(DEVICE, [{ stream: 1, epoch: EPOCH }]))[0]!.nextSeq).toBe(B63 + 2n);
  });

  it("[ID-5] [ACK-4] the event at 2^64-2 brings next_seq to 2^64-1, acknowledging the whole space", async () => {
    const [o] = await store.ingest([
      request({
        runs: [run(MAX_SEQ, [bytes(9)])],
        accountings: [accounting([{ first: 0n, last: MAX_SEQ - 1n, reason: "expired" }])],
      }),
    ]);
    expect(o!.custody[0]).toEqual({ stream: 1, epoch: EPOCH, nextSeq: MAX_SEQ + 1n, received: [], accounted: [] });
    const log = await allDeliveries(store);
    expect(log[log.length - 1]).toMatchObject({ kind: "event", seq: MAX_SEQ });
    // And a repeat of that last event is a duplicate.
    const [again] = await store.ingest([request({ runs: [run(MAX_SEQ, [bytes(9)])] })]);
    expect(again).toMatchObject({ stored: 0, duplicates: 1 });
  });

  it("[ACK-6] [ACK-9] ranges near the top of the space are reported exactly", async () => {
    const [o] = await store.ingest([
      request({
        runs: [run(MAX_SEQ - 1n, [bytes(1), bytes(2)]), run(B63 + 5n, [bytes(3)])],
        accountings: [accounting([{ first: B63 - 5n, last: B63 + 4n, reason: "rejected" }])],
      }),
    ]);
    expect(o!.custody[0]).toEqual({
      stream: 1,
      epoch: EPOCH,
      nextSeq: 0n,
      received: [
        { first: B63 + 5n, last: B63 + 5n },
        { first: MAX_SEQ - 1n, last: MAX_SEQ },
      ],
      accounted: [{ first: B63 - 5n, last: B63 + 4n, reason: "rejected" }],
    });
  });
});
