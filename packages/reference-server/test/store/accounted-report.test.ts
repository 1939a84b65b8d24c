/**
 * What the custody of an ingest outcome (the server's Ack) reports below
 * next_seq [ACK-22]: the accounted ranges holding events the request
 * carried, and those its own hand-off accounted; not the sender's own
 * accountings, which next_seq covers.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Accounting } from "@ferry/protocol";
import type { IngestRequest, SqliteStore } from "../../src/store/index.js";
import { accounting, bytes, EPOCH, openStore, request, run, tempDir } from "./helpers.js";

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

async function ingest1(r: IngestRequest) {
  const [o] = await store.ingest([r]);
  return o!;
}

const rejected = (first: bigint, last: bigint): Accounting => ({ ...key, ranges: [{ first, last, reason: "rejected" }] });

describe("accounted ranges below next_seq in the Ack", () => {
  it("[ACK-22] [SEC-11] events rejected at the very front of a stream are reported with their reason, again when they come again", async () => {
    const first = { ...request({ runs: [run(5n, [bytes(5), bytes(6)])] }), rejected: [rejected(0n, 4n)] };
    const o = await ingest1(first);
    expect(o.custody).toEqual([{ ...key, nextSeq: 7n, received: [], accounted: [{ first: 0n, last: 4n, reason: "rejected" }] }]);
    // A batch posted again after a lost answer [HTTP-12]: the same report.
    expect((await ingest1(first)).custody).toEqual(o.custody);
    // The rejected events sent again, now with good signatures: duplicates of the accounting [ACK-7], reported.
    const again = await ingest1(request({ runs: [run(3n, [bytes(3), bytes(4), bytes(5)])] }));
    expect(again).toMatchObject({ stored: 0, duplicates: 3 });
    // The range is reported as recorded, whole: more than the carried numbers, which [ACK-22] allows.
    expect(again.custody).toEqual([{ ...key, nextSeq: 7n, received: [], accounted: [{ first: 0n, last: 4n, reason: "rejected" }] }]);
    // Later events only: nothing below next_seq concerns them.
    expect((await ingest1(request({ runs: [run(7n, [bytes(7)])] }))).custody).toEqual([{ ...key, nextSeq: 8n, received: [], accounted: [] }]);
  });

  it("[ACK-22] [PRIO-6] events that expired above a gap are reported in the Ack of the request whose hand-off accounted them", async () => {
    const held = await ingest1(request({ runs: [run(1n, [bytes(1), bytes(2), bytes(3)], { ttlMs: 10 })], nowMs: 1_000 }));
    expect(held.custody).toEqual([{ ...key, nextSeq: 0n, received: [{ first: 1n, last: 3n }], accounted: [] }]);
    const filled = await ingest1(request({ runs: [run(0n, [bytes(0)]), run(5n, [bytes(5)])], nowMs: 2_000 }));
    expect(filled.custody).toEqual([
      { ...key, nextSeq: 4n, received: [{ first: 5n, last: 5n }], accounted: [{ first: 1n, last: 3n, reason: "expired" }] },
    ]);
    // The expired events sent again are duplicates, and hear why.
    const repeat = await ingest1(request({ runs: [run(2n, [bytes(2)], { ttlMs: 10 })], nowMs: 3_000 }));
    expect(repeat.custody[0]!.accounted).toEqual([{ first: 1n, last: 3n, reason: "expired" }]);
  });

  it("[ACK-22] [ACK-9] a sender's own accounting is not echoed below next_seq; ranges above it still are; the order holds", async () => {
    const o = await ingest1(
      request({ accountings: [accounting([{ first: 0n, last: 4n, reason: "expired" }]), accounting([{ first: 9n, last: 9n, reason: "overflow" }])] }),
    );
    expect(o.custody).toEqual([{ ...key, nextSeq: 5n, received: [], accounted: [{ first: 9n, last: 9n, reason: "overflow" }] }]);
    // An event of that accounted range from another sender is told the reason.
    const late = await ingest1({ ...request({ runs: [run(4n, [bytes(4), bytes(5)])] }), rejected: [rejected(7n, 7n)] });
    expect(late.custody).toEqual([
      {
        ...key,
        nextSeq: 6n,
        received: [],
        accounted: [
          { first: 0n, last: 4n, reason: "expired" },
          { first: 7n, last: 7n, reason: "rejected" },
          { first: 9n, last: 9n, reason: "overflow" },
        ],
      },
    ]);
  });

  it("[ACK-22] [SEC-11] refuses, as INVALID_FIELD, a server rejection with another reason", async () => {
    const bad = { ...request({}), rejected: [{ ...key, ranges: [{ first: 0n, last: 0n, reason: "expired" as const }] }] };
    await expect(store.ingest([bad])).rejects.toMatchObject({ errorName: "INVALID_FIELD" });
  });
});
