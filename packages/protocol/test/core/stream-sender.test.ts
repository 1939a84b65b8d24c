/** The sending side of one stream on one hop: custody, runs, window, expiry. */
import { describe, expect, it } from "vitest";
import { encodeMessage } from "../../src/codec/binary.js";
import { StreamSender, type StreamSenderOptions } from "../../src/core/stream-sender.js";
import { SendWindow } from "../../src/core/window.js";
import { isProtocolError } from "../../src/errors.js";
import { MAX_U64 } from "../../src/message.js";
import { accountings, ack, bytes, runs, seqs } from "./helpers.js";

const make = (o: Partial<StreamSenderOptions> = {}) => new StreamSender({ stream: 1, epoch: 7, priority: "bulk", ...o });

function filled(n: number, o: Partial<StreamSenderOptions> = {}, size = 16): StreamSender {
  const s = make(o);
  for (let i = 0; i < n; i++) s.enqueue(bytes(size, i), 0);
  return s;
}

describe("StreamSender", () => {
  it("[ID-5] assigns sequences from 0, +1 per event, and never goes back", () => {
    const s = make();
    expect([s.enqueue(bytes(1), 0), s.enqueue(bytes(1), 0), s.enqueue(bytes(1), 0)]).toEqual([0n, 1n, 2n]);
    s.handleAck(ack(3n), 0);
    s.resume();
    expect(s.enqueue(bytes(1), 0)).toBe(3n);
    const restored = StreamSender.restore({ stream: 1, epoch: 7, priority: "bulk" }, s.snapshot());
    expect(restored.enqueue(bytes(1), 0)).toBe(4n);
  });

  it("[ID-5] refuses to pass 2^64-1: the device must start a new epoch", () => {
    const s = make({ nextSeq: MAX_U64 });
    expect(s.enqueue(bytes(1), 0)).toBe(MAX_U64);
    expect(() => s.enqueue(bytes(1), 0)).toThrow(/new epoch/);
  });

  it("[ENV-1] sends consecutive events of the stream as one run, with the stream's class and epoch", () => {
    const s = filled(3, { priority: "realtime" });
    const [m, ...rest] = s.pollTransmit(0);
    expect(rest).toEqual([]);
    expect(m).toEqual({
      type: "events",
      events: { stream: 1, firstSeq: 0n, priority: "realtime", ttlMs: 0, epoch: 7, payloads: [bytes(16, 0), bytes(16, 1), bytes(16, 2)], signatures: [] },
    });
    expect(s.pollTransmit(0)).toEqual([]);
  });

  it("[ENV-8] cuts runs to max_message, and refuses an event that cannot fit alone", () => {
    const s = filled(20, {}, 30);
    const out = s.pollTransmit(0, { maxMessage: 100 });
    expect(seqs(out)).toEqual([...Array(20).keys()]);
    expect(out.length).toBeGreaterThan(1);
    for (const m of out) expect(encodeMessage(m).length).toBeLessThanOrEqual(100);
    const big = filled(1, {}, 200);
    expect(() => big.pollTransmit(0, { maxMessage: 100 })).toThrow(expect.objectContaining({ errorName: "MESSAGE_TOO_LARGE", fault: "local" }));
  });

  it("[ACK-2] [ACK-4] holds every event until an ack covers it; a cumulative ack frees what is below next_seq", () => {
    const s = filled(5);
    s.pollTransmit(0);
    expect(s.size).toBe(5);
    const out = s.handleAck(ack(3n), 1);
    expect(out.freed.toArray()).toEqual([{ first: 0n, last: 2n }]);
    expect(s.events().map((e) => e.seq)).toEqual([3n, 4n]);
    expect(s.window.inFlight).toEqual({ events: 2, bytes: 32 });
  });

  it("[ACK-6] a selective ack frees its ranges and resends only what it shows missing below its highest sequence", () => {
    const s = filled(8);
    s.pollTransmit(0);
    s.handleAck(ack(2n, [[4n, 5n]]), 1);
    expect(s.events().map((e) => [e.seq, e.state])).toEqual([
      [2n, "queued"],
      [3n, "queued"],
      [6n, "sent"],
      [7n, "sent"],
    ]);
    expect(seqs(s.pollTransmit(2))).toEqual([2, 3]);
  });

  it("[ACK-6] a resent event is not resent again by acks that cover nothing sent after it", () => {
    const s = filled(4);
    s.pollTransmit(0);
    s.handleAck(ack(0n, [[1n, 3n]]), 1);
    expect(seqs(s.pollTransmit(1))).toEqual([0]);
    // The receiver acks again before the resent copy is durable (a duplicate, a commit
    // in progress): the same ack must not start a resend loop.
    s.handleAck(ack(0n, [[1n, 3n]]), 2);
    expect(s.pollTransmit(2)).toEqual([]);
    s.enqueue(bytes(16, 4), 3);
    expect(seqs(s.pollTransmit(3))).toEqual([4]);
    s.handleAck(ack(0n, [[1n, 4n]]), 4); // covers a send after the resent 0: now 0 is lost again
    expect(seqs(s.pollTransmit(4))).toEqual([0]);
  });

  it("[ACK-9] accounted ranges above next_seq free the sender like received ones", () => {
    const s = filled(4);
    s.pollTransmit(0);
    s.handleAck(ack(1n, [], { accounted: [{ first: 2n, last: 3n, reason: "rejected" }] }), 1);
    expect(s.events().map((e) => e.seq)).toEqual([1n]);
  });

  it("[ACK-2] after resume() everything unacked is sent again, acked events never", () => {
    const s = filled(4);
    s.pollTransmit(0);
    s.handleAck(ack(2n), 1);
    expect(s.pollTransmit(2)).toEqual([]);
    s.resume();
    expect(s.window.inFlight).toEqual({ events: 0, bytes: 0 });
    expect(seqs(s.pollTransmit(3))).toEqual([2, 3]);
  });

  it("[FLOW-1] keeps events and bytes in flight within the window; an ack opens it again", () => {
    const window = new SendWindow({ events: 3, bytes: 1000 });
    const s = filled(5, { window });
    expect(seqs(s.pollTransmit(0))).toEqual([0, 1, 2]);
    s.handleAck(ack(1n), 1);
    expect(seqs(s.pollTransmit(1))).toEqual([3]);
    window.set({ events: 10, bytes: 40 });
    expect(s.pollTransmit(2)).toEqual([]); // 2 x 16 in flight, 16 more would pass 40 bytes
    s.handleAck(ack(4n), 3);
    expect(seqs(s.pollTransmit(3))).toEqual([4]);
  });

  it("[FLOW-1] one event larger than the window's bytes may go when nothing is in flight; Window{0,0} stops all", () => {
    const window = new SendWindow({ events: 5, bytes: 10 });
    const s = filled(2, { window }, 50);
    expect(seqs(s.pollTransmit(0))).toEqual([0]);
    s.handleAck(ack(1n), 1);
    window.set({ events: 0, bytes: 0 });
    expect(s.pollTransmit(1)).toEqual([]);
    window.set({ events: 1, bytes: 0 });
    expect(seqs(s.pollTransmit(2))).toEqual([1]);
  });

  it("[FLOW-1] a retransmission of an event already in flight takes no more window", () => {
    const window = new SendWindow({ events: 2, bytes: 1000 });
    const s = filled(3, { window, retransmitTimeoutMs: 100 });
    expect(seqs(s.pollTransmit(0))).toEqual([0, 1]);
    expect(s.pollTimeout()).toBe(100);
    s.handleTimeout(100);
    expect(seqs(s.pollTransmit(100))).toEqual([0, 1]);
    expect(window.inFlight.events).toBe(2);
  });

  it("[PRIO-5] sends ttl_ms as the time left, the smallest of the run, and splits runs at the TTL slack", () => {
    const s = make({ ttlSlackMs: 100 });
    s.enqueue(bytes(4), 0, { ttlMs: 1000 }); // deadline 1000
    s.enqueue(bytes(4), 50, { ttlMs: 1000 }); // 1050: within the slack
    s.enqueue(bytes(4), 500, { ttlMs: 1000 }); // 1500: too far from the run's smallest
    s.enqueue(bytes(4), 500); // never expires: never shares a run with expiring events
    const r = runs(s.pollTransmit(400));
    expect(r.map((x) => [Number(x.firstSeq), x.payloads.length, x.ttlMs])).toEqual([
      [0, 2, 600],
      [2, 1, 1100],
      [3, 1, 0],
    ]);
  });

  it("[PRIO-6] [ACK-11] never sends an expired event: it is accounted EXPIRED and held until acknowledged", () => {
    const s = make({ retransmitTimeoutMs: 50 });
    s.enqueue(bytes(4), 0, { ttlMs: 100 });
    s.enqueue(bytes(4), 0);
    expect(s.pollTimeout()).toBe(100);
    s.handleTimeout(100);
    const out = s.pollTransmit(100);
    expect(accountings(out)).toEqual([{ first: 0n, last: 0n, reason: "expired" }]);
    expect(seqs(out)).toEqual([1]);
    expect(s.accounted()).toEqual([{ first: 0n, last: 0n, reason: "expired" }]);
    s.resume();
    expect(accountings(s.pollTransmit(101))).toEqual([{ first: 0n, last: 0n, reason: "expired" }]);
    s.handleAck(ack(2n), 102);
    expect(s.isSettled).toBe(true);
  });

  it("[ACK-11] an accounting shown lost by an ack goes again, and so does one unacked for the retransmit timeout", () => {
    const s = filled(3, { retransmitTimeoutMs: 100 });
    s.drop(0n);
    const first = s.pollTransmit(0);
    expect(accountings(first)).toEqual([{ first: 0n, last: 0n, reason: "overflow" }]);
    expect(seqs(first)).toEqual([1, 2]);
    s.handleAck(ack(0n, [[2n, 2n]]), 1); // covers event 2, sent after the accounting and event 1
    const again = s.pollTransmit(1);
    expect(accountings(again)).toEqual([{ first: 0n, last: 0n, reason: "overflow" }]);
    expect(seqs(again)).toEqual([1]);
    expect(s.pollTimeout()).toBe(101);
    s.handleTimeout(101);
    expect(accountings(s.pollTransmit(101))).toEqual([{ first: 0n, last: 0n, reason: "overflow" }]);
    s.handleAck(ack(3n), 102);
    expect(s.isSettled).toBe(true);
    expect(s.pollTimeout()).toBeUndefined();
  });

  it("[ACK-14] on an end-to-end stream a hop ack holds events downstream; only an END_TO_END ack frees them", () => {
    const s = filled(3, { priority: "critical", endToEnd: true });
    s.pollTransmit(0);
    const hop = s.handleAck(ack(3n), 1, "hop");
    expect(hop.freed.isEmpty).toBe(true);
    expect(hop.downstream.toArray()).toEqual([{ first: 0n, last: 2n }]);
    expect(s.size).toBe(3);
    expect(s.window.inFlight.events).toBe(0);
    expect(s.pollTransmit(2)).toEqual([]); // in custody downstream: not resent
    const e2e = s.handleAck(ack(2n), 3, "end-to-end");
    expect(e2e.freed.toArray()).toEqual([{ first: 0n, last: 1n }]);
    expect(s.events().map((e) => [e.seq, e.state])).toEqual([[2n, "downstream"]]);
  });

  it("[ACK-14] after a resume, downstream events go again unless the new hop's custody covers them", () => {
    const s = filled(3, { priority: "critical", endToEnd: true });
    s.pollTransmit(0);
    s.handleAck(ack(3n), 1);
    s.resume();
    s.handleAck(ack(1n), 2); // a different phone holds only 0
    expect(seqs(s.pollTransmit(2))).toEqual([1, 2]);
  });

  it("[PRIO-6] a relaying hop accounts EXPIRED an event whose deadline passed before it could forward it", () => {
    const s = make();
    expect(s.accept(4n, bytes(2), 100, { deadline: 100 })).toBe(true);
    expect(s.accept(5n, bytes(2), 100, { deadline: 150 })).toBe(true);
    expect(s.accept(5n, bytes(2), 100)).toBe(false);
    const out = s.pollTransmit(100);
    expect(accountings(out)).toEqual([{ first: 4n, last: 4n, reason: "expired" }]);
    expect(runs(out)[0]).toMatchObject({ firstSeq: 5n, ttlMs: 50 });
    s.acceptAccounting({ first: 6n, last: 9n, reason: "overflow" });
    expect(accountings(s.pollTransmit(101))).toEqual([{ first: 6n, last: 9n, reason: "overflow" }]);
  });

  it("[SEC-8] signed and unsigned events never share a run", () => {
    const s = make();
    s.enqueue(bytes(2), 0, { signature: bytes(64, 1) });
    s.enqueue(bytes(2), 0, { signature: bytes(64, 2) });
    s.enqueue(bytes(2), 0);
    const r = runs(s.pollTransmit(0));
    expect(r.map((x) => [x.payloads.length, x.signatures.length])).toEqual([
      [2, 2],
      [1, 0],
    ]);
  });

  it("reports local misuse with a local ProtocolError", () => {
    const s = make({ nextSeq: MAX_U64 + 1n });
    let caught: unknown;
    try {
      s.enqueue(bytes(1), 0);
    } catch (e) {
      caught = e;
    }
    expect(isProtocolError(caught, "INVALID_FIELD") && caught.fault === "local").toBe(true);
  });
});
