/** The receiving side of one stream on one hop: custody, acks, delivery order. */
import { describe, expect, it } from "vitest";
import { StreamReceiver } from "../../src/core/stream-receiver.js";
import { ReceiveWindow } from "../../src/core/window.js";
import type { Accounting, EventRun } from "../../src/message.js";
import { bytes } from "./helpers.js";

const make = (window?: ReceiveWindow, storedPayload?: (seq: bigint) => Uint8Array | undefined) =>
  new StreamReceiver({ stream: 1, epoch: 7, ...(window && { window }), ...(storedPayload && { storedPayload }) });

const run = (firstSeq: bigint, n: number, o: Partial<EventRun> = {}): EventRun => ({
  stream: 1,
  firstSeq,
  priority: "bulk",
  ttlMs: 0,
  epoch: 7,
  payloads: Array.from({ length: n }, (_, i) => bytes(4, Number(firstSeq) + i)),
  signatures: [],
  ...o,
});

const accounting = (first: bigint, last: bigint, reason: "expired" | "overflow" = "expired"): Accounting => ({ stream: 1, epoch: 7, ranges: [{ first, last, reason }] });

const delivered = (r: StreamReceiver, now = 0) =>
  r.pollDeliver(now).map((d) => (d.kind === "event" ? Number(d.seq) : `${d.reason} ${d.first}..${d.last}`));

describe("StreamReceiver", () => {
  it("[ACK-2] acknowledges events only once the driver reports them durable", () => {
    const r = make();
    expect(r.handleRun(run(0n, 3), 0).stored.map((e) => e.seq)).toEqual([0n, 1n, 2n]);
    expect(r.pollAck()).toBeUndefined();
    expect(r.ackState().nextSeq).toBe(0n);
    expect(delivered(r)).toEqual([]);
    r.markDurable([{ first: 0n, last: 1n }]);
    expect(r.pollAck()).toMatchObject({ nextSeq: 2n, received: [] });
    r.markDurable();
    expect(r.pollAck()).toMatchObject({ nextSeq: 3n });
    expect(r.pollAck()).toBeUndefined();
  });

  it("[ACK-4] [ACK-6] next_seq is cumulative; received lists the durable ranges above it", () => {
    const r = make();
    r.handleRun(run(0n, 2), 0);
    r.handleRun(run(4n, 2), 0);
    r.handleRun(run(8n, 1), 0);
    r.markDurable();
    expect(r.ackState()).toEqual({
      stream: 1,
      epoch: 7,
      nextSeq: 2n,
      received: [{ first: 4n, last: 5n }, { first: 8n, last: 8n }],
      accounted: [],
    });
  });

  it("[ACK-4] delivers in sequence order, holding out-of-order events until the gap is filled", () => {
    const r = make();
    r.handleRun(run(2n, 2), 0);
    r.markDurable();
    expect(delivered(r)).toEqual([]);
    r.handleRun(run(0n, 2), 0);
    r.markDurable();
    expect(delivered(r)).toEqual([0, 1, 2, 3]);
    expect(r.delivered).toBe(4n);
  });

  it("[ACK-2] a duplicate is acknowledged again and never delivered twice", () => {
    const r = make();
    r.handleRun(run(0n, 2), 0);
    r.markDurable();
    r.pollAck();
    expect(delivered(r)).toEqual([0, 1]);
    const again = r.handleRun(run(0n, 3), 1);
    expect(again.duplicates).toEqual([{ first: 0n, last: 1n }]);
    expect(again.stored.map((e) => e.seq)).toEqual([2n]);
    expect(r.pollAck()).toMatchObject({ nextSeq: 2n });
    r.markDurable();
    expect(delivered(r)).toEqual([2]);
  });

  it("[ID-1] an identity held with another payload is a SEQUENCE_CONFLICT: refused, the stored event untouched", () => {
    const r = make();
    r.handleRun(run(0n, 2), 0);
    const out = r.handleRun(run(1n, 1, { payloads: [bytes(4, 99)] }), 0);
    expect(out.stored).toEqual([]);
    expect(out.errors.map((e) => [e.error.errorName, e.first])).toEqual([["SEQUENCE_CONFLICT", 1n]]);
    r.markDurable();
    const d = r.pollDeliver(0);
    expect(d[1]).toMatchObject({ kind: "event", seq: 1n, payload: bytes(4, 1) });
  });

  it("[ID-1] after delivery, conflicts are found through the driver's store", () => {
    const store = new Map<bigint, Uint8Array>();
    const r = make(undefined, (seq) => store.get(seq));
    r.handleRun(run(0n, 1), 0);
    r.markDurable();
    for (const d of r.pollDeliver(0)) if (d.kind === "event") store.set(d.seq, d.payload);
    expect(r.handleRun(run(0n, 1), 0).duplicates).toEqual([{ first: 0n, last: 0n }]);
    expect(r.handleRun(run(0n, 1, { payloads: [bytes(1)] }), 0).errors[0]?.error.errorName).toBe("SEQUENCE_CONFLICT");
  });

  it("[ACK-9] [ACK-11] takes custody of an accounting, acks it once durable, and delivers it in its place", () => {
    const r = make();
    r.handleRun(run(0n, 1), 0);
    r.handleRun(run(5n, 1), 0);
    expect(r.handleAccounting(accounting(2n, 3n, "overflow"), 0).stored).toEqual([{ first: 2n, last: 3n, reason: "overflow" }]);
    r.markDurable();
    expect(r.ackState()).toMatchObject({ nextSeq: 1n, received: [{ first: 5n, last: 5n }], accounted: [{ first: 2n, last: 3n, reason: "overflow" }] });
    expect(delivered(r)).toEqual([0]);
    r.handleAccounting(accounting(1n, 1n), 0);
    r.markDurable();
    expect(r.ackState()).toMatchObject({ nextSeq: 4n, accounted: [] });
    expect(delivered(r)).toEqual(["expired 1..1", "overflow 2..3"]);
  });

  it("[ACK-9] an event held wins over an accounting of the same sequence", () => {
    const r = make();
    r.handleRun(run(0n, 2), 0);
    const out = r.handleAccounting(accounting(0n, 3n), 0);
    expect(out.duplicates).toEqual([{ first: 0n, last: 1n }]);
    expect(out.stored).toEqual([{ first: 2n, last: 3n, reason: "expired" }]);
    r.markDurable();
    expect(delivered(r)).toEqual([0, 1, "expired 2..3"]);
    // and an event arriving for an accounted sequence is a duplicate, not a delivery
    expect(r.handleRun(run(2n, 1), 0).duplicates).toEqual([{ first: 2n, last: 2n }]);
  });

  it("[PRIO-5] [PRIO-6] never delivers an event past its deadline (arrival + ttl_ms): it is accounted EXPIRED", () => {
    const r = make();
    r.handleRun(run(0n, 2, { ttlMs: 100 }), 1000);
    r.handleRun(run(2n, 1, { ttlMs: 500 }), 1000);
    r.markDurable();
    const d = r.pollDeliver(1100);
    expect(d).toEqual([
      { kind: "accounted", first: 0n, last: 0n, reason: "expired" },
      { kind: "accounted", first: 1n, last: 1n, reason: "expired" },
      { kind: "event", seq: 2n, payload: bytes(4, 2), deadline: 1500 },
    ]);
    // the receiver's own accounting is reported once, below next_seq
    expect(r.pollAck()?.accounted).toEqual([{ first: 0n, last: 1n, reason: "expired" }]);
    r.handleRun(run(3n, 1), 1100);
    r.markDurable();
    expect(r.pollAck()?.accounted).toEqual([]);
  });

  it("[FLOW-1] refuses events beyond the granted window with WINDOW_EXCEEDED, unacknowledged; an ack frees room", () => {
    const window = new ReceiveWindow({ events: 2, bytes: 1000 });
    const r = make(window);
    const out = r.handleRun(run(0n, 3), 0);
    expect(out.stored.map((e) => e.seq)).toEqual([0n, 1n]);
    expect(out.errors.map((e) => [e.error.errorName, e.first, e.last])).toEqual([["WINDOW_EXCEEDED", 2n, 2n]]);
    r.markDurable();
    expect(r.pollAck()?.nextSeq).toBe(2n);
    expect(window.outstanding.events).toBe(0);
    expect(r.handleRun(run(2n, 1), 1).stored.length).toBe(1);
  });

  it("[ACK-2] what was acknowledged survives a crash; what was not durable is taken again", () => {
    const r = make();
    r.handleRun(run(0n, 3), 0);
    r.markDurable([{ first: 0n, last: 1n }]);
    r.handleAccounting(accounting(5n, 6n), 0);
    r.markDurable([{ first: 5n, last: 5n }]);
    expect(delivered(r)).toEqual([0, 1]);
    const before = r.ackState();
    const after = StreamReceiver.restore({ stream: 1, epoch: 7 }, r.snapshot());
    expect(after.ackState()).toEqual(before);
    expect(after.handleRun(run(1n, 2), 1).stored.map((e) => e.seq)).toEqual([2n]);
    after.markDurable();
    expect(delivered(after)).toEqual([2]);
    expect(after.ackState()).toMatchObject({ nextSeq: 3n, accounted: [{ first: 5n, last: 5n, reason: "expired" }] });
  });

  it("[ACK-7] a sequence restored as received without its payload is a duplicate, not stored again", () => {
    const r = StreamReceiver.restore({ stream: 1, epoch: 7 }, { delivered: 0n, held: [], received: [{ first: 2n, last: 3n }], accounted: [] });
    const out = r.handleRun(run(2n, 2), 0);
    expect(out.stored).toEqual([]);
    expect(out.duplicates).toEqual([{ first: 2n, last: 3n }]);
    expect(r.ackState().received).toEqual([{ first: 2n, last: 3n }]);
  });

  it("[ENV-4] takes epoch 0 as the current epoch, and refuses a run routed to the wrong stream", () => {
    const r = make();
    expect(r.handleRun(run(0n, 1, { epoch: 0 }), 0).stored.length).toBe(1);
    expect(() => r.handleRun(run(0n, 1, { stream: 2 }), 0)).toThrow(/routed/);
  });
});
