import type { Message, StreamAck } from "@ferry/protocol";
import { describe, expect, it } from "vitest";
import { MemoryOutbox } from "../../src/server-leg/memory-outbox.js";
import type { SendLimits } from "../../src/server-leg/source.js";

const E = 7;
const OPEN: SendLimits = { events: 1024, bytes: 1 << 20, mayExceedBytes: true, maxMessage: 1 << 20 };
const p = (n: number, size = 4) => new Uint8Array(size).fill(n & 0xff);
const ack = (stream: number, nextSeq: bigint, extra: Partial<StreamAck> = {}): StreamAck => ({ stream, epoch: E, nextSeq, received: [], accounted: [], ...extra });

function drain(o: MemoryOutbox, limits = OPEN, now = 0): Message[] {
  const out: Message[] = [];
  for (let m = o.next(limits, now); m; m = o.next(limits, now)) out.push(m);
  return out;
}
const describeMsg = (m: Message) =>
  m.type === "events" ? `ev ${m.events.stream}:${m.events.firstSeq}+${m.events.payloads.length}` : m.type === "accounting" ? `acc ${m.accounting.stream}` : m.type;

describe("in-memory outbox (a LegSource)", () => {
  it("[PRIO-3] sends accountings first, then critical, realtime, bulk, oldest first, in runs", () => {
    const o = new MemoryOutbox();
    o.add({ stream: 1, epoch: E }, "bulk", 0n, p(0));
    o.add({ stream: 1, epoch: E }, "bulk", 1n, p(1));
    o.add({ stream: 2, epoch: E }, "realtime", 0n, p(2));
    o.add({ stream: 3, epoch: E }, "critical", 5n, p(3));
    o.addAccounting({ stream: 1, epoch: E }, { first: 2n, last: 4n, reason: "overflow" });
    expect(drain(o).map(describeMsg)).toEqual(["acc 1", "ev 3:5+1", "ev 2:0+1", "ev 1:0+2"]);
    expect(o.pending()).toEqual([{ stream: 1, epoch: E }, { stream: 2, epoch: E }, { stream: 3, epoch: E }]);
  });

  it("[FLOW-1] keeps within the window's events and bytes; one event may exceed bytes when nothing is in flight", () => {
    const o = new MemoryOutbox();
    for (let i = 0; i < 10; i++) o.add({ stream: 1, epoch: E }, "bulk", BigInt(i), p(i, 100));
    const m = o.next({ events: 3, bytes: 1000, mayExceedBytes: false, maxMessage: 1 << 20 }, 0)!;
    expect(m.type === "events" && m.events.payloads.length).toBe(3);
    const m2 = o.next({ events: 10, bytes: 250, mayExceedBytes: false, maxMessage: 1 << 20 }, 0)!;
    expect(m2.type === "events" && m2.events.payloads.length).toBe(2);
    expect(o.next({ events: 10, bytes: 50, mayExceedBytes: false, maxMessage: 1 << 20 }, 0)).toBeUndefined();
    const big = o.next({ events: 10, bytes: 50, mayExceedBytes: true, maxMessage: 1 << 20 }, 0)!;
    expect(big.type === "events" && big.events.payloads.length).toBe(1);
    expect(o.next({ events: 0, bytes: 1 << 20, mayExceedBytes: true, maxMessage: 1 << 20 }, 0)).toBeUndefined();
  });

  it("[ENV-8] cuts runs to max_message", () => {
    const o = new MemoryOutbox();
    for (let i = 0; i < 10; i++) o.add({ stream: 1, epoch: E }, "bulk", BigInt(i), p(i, 100));
    for (const m of drain(o, { ...OPEN, maxMessage: 400 })) {
      expect(m.type === "events" && m.events.payloads.length).toBeLessThanOrEqual(3);
    }
  });

  it("[PRIO-3] when the window stops the first choice, nothing of a lower class overtakes it", () => {
    const o = new MemoryOutbox();
    o.add({ stream: 3, epoch: E }, "critical", 0n, p(0, 500));
    o.add({ stream: 1, epoch: E }, "bulk", 0n, p(1, 10));
    expect(o.next({ events: 5, bytes: 100, mayExceedBytes: false, maxMessage: 1 << 20 }, 0)).toBeUndefined();
  });

  it("[ACK-1] [ACK-3] frees exactly what a StreamAck covers: cumulative, selective and accounted", () => {
    const o = new MemoryOutbox();
    for (let i = 0; i < 10; i++) o.add({ stream: 1, epoch: E }, "bulk", BigInt(i), p(i));
    o.acknowledge([ack(1, 3n, { received: [{ first: 5n, last: 5n }], accounted: [{ first: 7n, last: 8n, reason: "expired" }] })], "hop", 0);
    expect(o.held({ stream: 1, epoch: E })).toEqual([3n, 4n, 6n, 9n]);
    o.acknowledge([{ ...ack(1, 100n), epoch: E + 1 }], "hop", 0);
    expect(o.size).toBe(4);
  });

  it("[ACK-16] hands each item once per connection until rewind, or requeue of what was lost", () => {
    const o = new MemoryOutbox();
    for (let i = 0; i < 4; i++) o.add({ stream: 1, epoch: E }, "bulk", BigInt(i), p(i));
    expect(drain(o).map(describeMsg)).toEqual(["ev 1:0+4"]);
    expect(drain(o)).toEqual([]);
    o.requeue({ stream: 1, epoch: E }, [{ first: 1n, last: 2n }]);
    expect(drain(o).map(describeMsg)).toEqual(["ev 1:1+2"]);
    o.rewind();
    expect(drain(o).map(describeMsg)).toEqual(["ev 1:0+4"]);
  });

  it("[PRIO-6] [ENV-6] an event past its deadline leaves as an EXPIRED accounting; a run carries the smallest TTL left", () => {
    const o = new MemoryOutbox();
    o.add({ stream: 2, epoch: E }, "realtime", 0n, p(0), 0, 100);
    o.add({ stream: 2, epoch: E }, "realtime", 1n, p(1), 50, 500);
    o.add({ stream: 2, epoch: E }, "realtime", 2n, p(2), 60, 500);
    const [acc, run] = drain(o, OPEN, 120);
    expect(acc).toEqual({ type: "accounting", accounting: { stream: 2, epoch: E, ranges: [{ first: 0n, last: 0n, reason: "expired" }] } });
    expect(run?.type === "events" && [run.events.firstSeq, run.events.payloads.length, run.events.ttlMs]).toEqual([1n, 2, 430]);
  });

  it("[ACK-7] takes an identity once", () => {
    const o = new MemoryOutbox();
    o.add({ stream: 1, epoch: E }, "bulk", 2n, p(2));
    o.add({ stream: 1, epoch: E }, "bulk", 0n, p(0));
    o.add({ stream: 1, epoch: E }, "bulk", 2n, p(2));
    expect(o.held({ stream: 1, epoch: E })).toEqual([0n, 2n]);
    expect(drain(o).map(describeMsg)).toEqual(["ev 1:0+1", "ev 1:2+1"]);
  });
});
