import type { EventRun, StreamAck } from "@ferry/protocol";
import { describe, expect, it } from "vitest";
import { covers, coversRange } from "../../src/server-leg/coverage.js";
import { InFlight, toRanges } from "../../src/server-leg/in-flight.js";

const E = 9;
const run = (stream: number, first: bigint, n: number, size = 10): EventRun => ({
  stream,
  epoch: E,
  firstSeq: first,
  priority: "bulk",
  ttlMs: 0,
  payloads: Array.from({ length: n }, () => new Uint8Array(size)),
  signatures: [],
});
const sa = (stream: number, nextSeq: bigint, extra: Partial<StreamAck> = {}): StreamAck => ({ stream, epoch: E, nextSeq, received: [], accounted: [], ...extra });

describe("coverage of a StreamAck", () => {
  it("[ACK-3] covers below next_seq, in received and in accounted ranges", () => {
    const a = sa(1, 5n, { received: [{ first: 7n, last: 8n }], accounted: [{ first: 10n, last: 12n, reason: "expired" }] });
    expect([0n, 4n, 5n, 6n, 7n, 8n, 9n, 10n, 12n, 13n].map((s) => covers(a, s))).toEqual([true, true, false, false, true, true, false, true, true, false]);
    expect(coversRange(a, { first: 2n, last: 4n })).toBe(true);
    expect(coversRange(a, { first: 4n, last: 5n })).toBe(false);
    expect(coversRange(a, { first: 10n, last: 12n })).toBe(true);
    expect(coversRange(sa(1, 0n, { received: [{ first: 3n, last: 4n }], accounted: [{ first: 5n, last: 6n, reason: "overflow" }] }), { first: 3n, last: 6n })).toBe(true);
  });
});

describe("what is in flight on a connection", () => {
  it("[FLOW-1] counts events and bytes until an ack covers them", () => {
    const f = new InFlight();
    f.recordRun(run(1, 0n, 4));
    expect(f.count).toEqual({ events: 4, bytes: 40 });
    const effect = f.handleCustody([sa(1, 2n)], true);
    expect(effect).toEqual({ progress: true, lost: [] });
    expect(f.count).toEqual({ events: 2, bytes: 20 });
    f.recordRun(run(1, 2n, 1));
    expect(f.count).toEqual({ events: 2, bytes: 20 });
  });

  it("[ACK-17] an ack covering a later transmission shows an older uncovered one lost", () => {
    const f = new InFlight();
    f.recordRun(run(1, 0n, 2));
    f.recordRun(run(1, 2n, 2));
    f.recordRun(run(2, 0n, 1));
    const effect = f.handleCustody([sa(1, 0n, { received: [{ first: 2n, last: 3n }] })], true);
    expect(effect.lost).toEqual([{ key: { stream: 1, epoch: E }, ranges: [{ first: 0n, last: 1n }] }]);
    expect(f.count).toEqual({ events: 1, bytes: 10 });
  });

  it("[HS-4] the Welcome's custody frees without declaring anything lost", () => {
    const f = new InFlight();
    f.recordRun(run(1, 0n, 2));
    f.recordRun(run(1, 2n, 2));
    expect(f.handleCustody([sa(1, 0n, { received: [{ first: 2n, last: 3n }] })], false).lost).toEqual([]);
    expect(f.count.events).toBe(2);
  });

  it("[ACK-18] takeAll empties the flight for a retransmission", () => {
    const f = new InFlight();
    f.recordRun(run(1, 0n, 3));
    f.recordAccounting({ stream: 1, epoch: E, ranges: [{ first: 3n, last: 4n, reason: "expired" }] });
    expect(f.takeAll()).toEqual([{ key: { stream: 1, epoch: E }, ranges: [{ first: 0n, last: 2n }, { first: 3n, last: 4n }] }]);
    expect(f.isEmpty).toBe(true);
    expect(f.count).toEqual({ events: 0, bytes: 0 });
  });

  it("toRanges merges consecutive sequences", () => {
    expect(toRanges([5n, 1n, 2n, 3n, 7n])).toEqual([{ first: 1n, last: 3n }, { first: 5n, last: 5n }, { first: 7n, last: 7n }]);
  });
});
