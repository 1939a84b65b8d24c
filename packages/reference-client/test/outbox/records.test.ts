import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FRAME_HEADER, frameRecord, LogCorruptError, scanLog } from "../../src/outbox/frame.js";
import { decodeRecord, encodeRecord, type OutboxRecord } from "../../src/outbox/records.js";
import { SEED } from "./helpers.js";

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 2n });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (max: number) => fc.uint8Array({ maxLength: max });
const device = fc.uint8Array({ minLength: 1, maxLength: 16 });
const priority = fc.constantFrom("bulk" as const, "realtime" as const, "critical" as const);
const reason = fc.constantFrom("expired" as const, "overflow" as const, "rejected" as const, "lost" as const);
const range = fc.tuple(u64, fc.bigInt({ min: 0n, max: 1000n })).map(([first, len]) => ({ first, last: first + len }));
const accounted = fc.tuple(range, reason).map(([r, why]) => ({ ...r, reason: why }));
const deadline = fc.option(fc.nat(), { nil: undefined });
const key = fc.record({ device, epoch: u32, stream: u32, priority });
const counters = fc.record({ taken: fc.nat(), forwarded: fc.nat(), expired: fc.nat(), dropped: fc.nat() });

const record: fc.Arbitrary<OutboxRecord> = fc.oneof(
  fc.record({ kind: fc.constant("header" as const), version: fc.nat(10) }),
  fc
    .tuple(key, fc.boolean(), fc.array(fc.record({ seq: u64, payload: bytes(40), signature: fc.option(bytes(64), { nil: undefined }), deadline }), { maxLength: 5 }))
    .map(([k, restored, events]) => ({
      kind: "events" as const,
      ...k,
      restored,
      events: events.map(({ signature, deadline: d, ...e }) => ({ ...e, ...(signature && { signature }), ...(d !== undefined && { deadline: d }) })),
    })),
  fc.tuple(key, fc.boolean(), fc.boolean(), fc.array(accounted, { maxLength: 4 })).map(([k, restored, own, ranges]) => ({ kind: "accounting" as const, ...k, restored, own, ranges })),
  fc
    .tuple(device, fc.array(fc.record({ stream: u32, epoch: u32, nextSeq: u64, received: fc.array(range, { maxLength: 3 }), accounted: fc.array(accounted, { maxLength: 3 }) }), { maxLength: 3 }))
    .map(([d, acks]) => ({ kind: "server-custody" as const, device: d, acks })),
  fc.tuple(key, fc.array(range, { maxLength: 3 }), fc.array(accounted, { maxLength: 3 }), counters).map(([k, received, acc, c]) => ({ kind: "stream" as const, ...k, received, accounted: acc, counters: c })),
  fc.record({ kind: fc.constant("token" as const), server: fc.string(), device, token: bytes(64) }),
  fc.tuple(device, u64, bytes(30), deadline).map(([d, id, payload, dl]) => ({ kind: "command" as const, device: d, id, payload, ...(dl !== undefined && { deadline: dl }) })),
  fc
    .record({ device, ids: fc.array(u64, { minLength: 1, maxLength: 4 }), outcome: fc.constantFrom("received" as const, "executed" as const, "expired" as const, "rejected" as const), scope: fc.constantFrom("hop" as const, "end-to-end" as const) })
    .map((r) => ({ kind: "command-outcome" as const, ...r })),
);

describe("outbox log records", () => {
  it("[LIFE-5] every record kind round-trips through its encoding", () => {
    fc.assert(
      fc.property(record, (rec) => {
        expect(decodeRecord(encodeRecord(rec))).toEqual(rec);
      }),
      { seed: SEED },
    );
  });

  it("[LIFE-5] a log of framed records reads back whole, in order", () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 20 }), (recs) => {
        const log = Buffer.concat(recs.map((r) => frameRecord(encodeRecord(r))));
        const scanned = scanLog(log);
        expect(scanned.tornBytes).toBe(0);
        expect(scanned.bodies.map(decodeRecord)).toEqual(recs);
      }),
      { seed: SEED },
    );
  });

  it("[LIFE-5] a log cut anywhere keeps every whole record before the cut and reports the rest as torn", () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 10 }), fc.nat(), (recs, at) => {
        const frames = recs.map((r) => frameRecord(encodeRecord(r)));
        const log = Buffer.concat(frames);
        const cut = at % (log.length + 1);
        const scanned = scanLog(log.subarray(0, cut));
        let whole = 0;
        for (let n = 0, i = 0; i < frames.length && n + frames[i]!.length <= cut; i++) (n += frames[i]!.length), whole++;
        expect(scanned.bodies.length).toBe(whole);
        expect(scanned.validLength + scanned.tornBytes).toBe(cut);
      }),
      { seed: SEED },
    );
  });

  it("[LIFE-5] a bad CRC in the last record is a torn tail; in the middle it is corruption, with its offset", () => {
    const frames = [1, 2, 3].map((v) => frameRecord(encodeRecord({ kind: "header", version: v })));
    const log = Buffer.concat(frames);
    const last = Buffer.from(log);
    last[last.length - 1]! ^= 0xff;
    expect(scanLog(last)).toMatchObject({ validLength: frames[0]!.length * 2, tornBytes: frames[2]!.length });
    const middle = Buffer.from(log);
    middle[frames[0]!.length + FRAME_HEADER]! ^= 0xff;
    expect(() => scanLog(middle)).toThrow(LogCorruptError);
    expect(() => scanLog(middle)).toThrow(`byte ${frames[0]!.length}`);
  });

  it("[LIFE-5] a damaged length inside the log is corruption, not a tail to cut", () => {
    const frames = [1, 2, 3].map((v) => frameRecord(encodeRecord({ kind: "header", version: v })));
    const log = Buffer.concat(frames);
    log[frames[0]!.length]! = 0xff; // length of the second record now runs past the end
    expect(() => scanLog(log)).toThrow(/length damaged/);
  });

  it("[LIFE-5] zeros after the last record (a file extended before its data was written) are a torn tail", () => {
    const frame = frameRecord(encodeRecord({ kind: "header", version: 1 }));
    const log = Buffer.concat([frame, Buffer.alloc(100)]);
    expect(scanLog(log)).toMatchObject({ validLength: frame.length, tornBytes: 100 });
  });
});
