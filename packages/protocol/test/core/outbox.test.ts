/** The multi-stream send buffer: capacity, drop-lowest-oldest, send order, shared window. */
import { describe, expect, it } from "vitest";
import { Outbox, type OutboxOptions } from "../../src/core/outbox.js";
import { overflowVictim } from "../../src/core/overflow.js";
import type { Message } from "../../src/message.js";
import { accountings, bytes } from "./helpers.js";

const STREAMS: OutboxOptions["streams"] = [
  { stream: 1, priority: "bulk" },
  { stream: 2, priority: "realtime", ttlMs: 100 },
  { stream: 3, priority: "critical" },
];
const make = (capacity: number, o: Partial<OutboxOptions> = {}) => new Outbox({ epoch: 7, capacity, streams: STREAMS, ...o });

const held = (o: Outbox) => o.senders.flatMap((s) => s.events().map((e) => `${s.stream}:${e.seq}`));
const sent = (ms: Message[]) => ms.flatMap((m) => (m.type === "events" ? m.events.payloads.map((_, i) => `${m.events.stream}:${m.events.firstSeq + BigInt(i)}`) : []));

describe("overflowVictim", () => {
  it("[PRIO-10] picks the oldest of the lowest class not above the new event's, or none", () => {
    const buffered = [
      { priority: "critical" as const, arrival: 0 },
      { priority: "realtime" as const, arrival: 2 },
      { priority: "realtime" as const, arrival: 1 },
    ];
    expect(overflowVictim(buffered, "critical")).toBe(buffered[2]);
    expect(overflowVictim(buffered, "realtime")).toBe(buffered[2]);
    expect(overflowVictim(buffered, "bulk")).toBeUndefined();
    expect(overflowVictim([buffered[0]!], "critical")).toBe(buffered[0]);
  });
});

describe("Outbox", () => {
  it("[PRIO-10] a full buffer drops its oldest bulk event first, whatever the new event's class", () => {
    const o = make(3);
    o.enqueue(2, bytes(1), 0);
    o.enqueue(1, bytes(1), 0);
    o.enqueue(1, bytes(1), 0);
    const r = o.enqueue(3, bytes(1), 0);
    expect(r).toEqual({ seq: 0n, dropped: [{ stream: 1, seq: 0n, reason: "overflow" }] });
    expect(held(o)).toEqual(["1:1", "2:0", "3:0"]);
    expect(o.size).toBe(3);
  });

  it("[PRIO-10] a new event is itself dropped when every buffered event has a higher class", () => {
    const o = make(2);
    o.enqueue(3, bytes(1), 0);
    o.enqueue(2, bytes(1), 0);
    expect(o.enqueue(1, bytes(1), 0)).toEqual({ seq: 0n, dropped: [{ stream: 1, seq: 0n, reason: "overflow" }] });
    expect(o.sender(1).accounted()).toEqual([{ first: 0n, last: 0n, reason: "overflow" }]);
    expect(o.enqueue(1, bytes(1), 0).seq).toBe(1n); // the dropped event still took its sequence [ID-5]
  });

  it("[PRIO-10] critical events are dropped only when nothing else is buffered, oldest first", () => {
    const o = make(2);
    o.enqueue(3, bytes(1), 0);
    o.enqueue(3, bytes(1), 0);
    expect(o.enqueue(3, bytes(1), 0).dropped).toEqual([{ stream: 3, seq: 0n, reason: "overflow" }]);
    expect(held(o)).toEqual(["3:1", "3:2"]);
  });

  it("[PRIO-10] a full buffer discards its expired events (EXPIRED) before dropping anything", () => {
    const o = make(2);
    o.enqueue(2, bytes(1), 0); // expires at 100
    o.enqueue(1, bytes(1), 0);
    o.pollTransmit(0); // sent, in flight: discarded all the same
    expect(o.enqueue(1, bytes(1), 100).dropped).toEqual([{ stream: 2, seq: 0n, reason: "expired" }]);
    expect(held(o)).toEqual(["1:0", "1:1"]);
  });

  it("[PRIO-10] [ACK-9] each drop is sent as an Accounting with REASON_OVERFLOW", () => {
    const o = make(1);
    o.enqueue(1, bytes(1), 0);
    o.enqueue(1, bytes(1), 0);
    o.enqueue(1, bytes(1), 0);
    const out = o.pollTransmit(0);
    expect(out[0]?.type).toBe("accounting");
    expect(accountings(out)).toEqual([{ first: 0n, last: 1n, reason: "overflow" }]);
    expect(sent(out)).toEqual(["1:2"]);
  });

  it("[PRIO-1] sends critical first, then realtime, then bulk, oldest first; again so after a resume", () => {
    const o = make(10);
    o.enqueue(1, bytes(1), 0);
    o.enqueue(2, bytes(1), 0);
    o.enqueue(3, bytes(1), 0);
    o.enqueue(1, bytes(1), 0);
    o.enqueue(3, bytes(1), 0);
    expect(sent(o.pollTransmit(0))).toEqual(["3:0", "3:1", "2:0", "1:0", "1:1"]);
    o.resume(1);
    expect(sent(o.pollTransmit(1))).toEqual(["3:0", "3:1", "2:0", "1:0", "1:1"]);
  });

  it("[FLOW-1] one window for all streams; a blocked critical event is not overtaken by bulk ones", () => {
    const o = make(10, { window: { events: 2, bytes: 50 } });
    o.enqueue(1, bytes(10), 0);
    o.enqueue(3, bytes(10), 0);
    o.enqueue(3, bytes(90), 0);
    expect(sent(o.pollTransmit(0))).toEqual(["3:0"]);
    expect(o.window.inFlight).toEqual({ events: 1, bytes: 10 });
    o.handleAck({ streams: [{ stream: 3, epoch: 7, nextSeq: 1n, received: [], accounted: [] }], scope: "end-to-end", commandsPending: 0 }, 1);
    expect(sent(o.pollTransmit(1))).toEqual(["3:1"]); // 90 bytes alone: the one-event exception
  });

  it("[ACK-14] critical streams are end to end by default: a hop ack does not free them", () => {
    const o = make(10);
    o.enqueue(3, bytes(1), 0);
    o.pollTransmit(0);
    const sa = { stream: 3, epoch: 7, nextSeq: 1n, received: [], accounted: [] };
    o.handleAck({ streams: [sa], scope: "hop", commandsPending: 0 }, 1);
    expect(o.size).toBe(1);
    o.handleAck({ streams: [sa], scope: "end-to-end", commandsPending: 0 }, 2);
    expect(o.isSettled).toBe(true);
  });

  it("[FLOW-3] an ack carrying a window replaces the grant; one without leaves it", () => {
    const o = make(10, { window: { events: 1, bytes: 10 } });
    o.handleAck({ streams: [], scope: "hop", commandsPending: 0 }, 0);
    expect(o.window.grant).toEqual({ events: 1, bytes: 10 });
    o.handleAck({ streams: [], scope: "hop", commandsPending: 0, window: { events: 0, bytes: 0 } }, 0);
    expect(o.window.grant).toEqual({ events: 0, bytes: 0 });
  });
});
