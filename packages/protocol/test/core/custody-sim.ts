/**
 * One hop under the simulator: a device's Outbox sends over a faulty
 * SimConnection to a receiver's Inbox, which commits after a delay, delivers
 * and acknowledges. The harness records everything the properties need and
 * checks some rules as it goes (window, capacity, max_message) with its own
 * arithmetic, not the code under test's.
 *
 * The handshake is not simulated: on reconnect the receiver's custody and
 * grant reach the sender at once (that exchange is the handshake machines'
 * business and has its own tests).
 */
import { encodeMessage } from "../../src/codec/binary.js";
import { Inbox } from "../../src/core/inbox.js";
import { StreamReceiver } from "../../src/core/stream-receiver.js";
import { Outbox, type OutboxStreamOptions } from "../../src/core/outbox.js";
import type { Ack, Message, Reason, StreamAck, Window } from "../../src/message.js";
import { SimConnection } from "../../src/sim/connection.js";
import { Simulation } from "../../src/sim/simulation.js";

export const STREAMS: OutboxStreamOptions[] = [
  { stream: 1, priority: "bulk" },
  { stream: 2, priority: "realtime" },
  { stream: 3, priority: "critical" },
];
const CRITICAL = 3;

export type Action =
  | { dt: number; kind: "produce"; stream: number; size: number; ttlMs: number | undefined }
  | { dt: number; kind: "disconnect"; downFor: number }
  /** The receiver crashes: what it had not made durable is lost; it restarts from its store [ACK-2]. */
  | { dt: number; kind: "crash"; downFor: number }
  | { dt: number; kind: "window"; window: Window };

export interface Scenario {
  seed: number;
  capacity: number;
  loss: number;
  duplicate: number;
  reorder: number;
  delay: [number, number];
  commitDelay: number;
  retransmitTimeoutMs: number | undefined;
  maxMessage: number;
  window: Window;
  /**
   * Critical events wait for END_TO_END acks [ACK-14]: the receiver stands for
   * the whole path and relays its custody of them as an end-to-end ack this
   * many ms after each hop ack, as an app relays the server's. Undefined: one
   * hop is the whole path (a hub with its own uplink), hop acks free them.
   */
  endToEndDelay: number | undefined;
  actions: Action[];
}

export interface Produced {
  payload: Uint8Array;
  at: number;
  deadline?: number;
}

export type Item =
  | { kind: "event"; seq: bigint; payload: Uint8Array; at: number; deadline?: number }
  | { kind: "accounted"; first: bigint; last: bigint; reason: Reason; at: number };

/** The window the healed connection grants, so every run can drain. */
export const HEALED_WINDOW: Window = { events: 16, bytes: 2048 };

export class CustodySim {
  readonly sim: Simulation;
  readonly outbox: Outbox;
  inbox: Inbox;
  readonly conn: SimConnection<Message, Message>;
  readonly produced = new Map<number, Produced[]>(STREAMS.map((s) => [s.stream, []]));
  readonly senderDrops = new Set<string>();
  readonly delivered = new Map<number, Item[]>(STREAMS.map((s) => [s.stream, []]));
  /** Rule breaks seen on the way, as readable lines (the property expects none). */
  readonly violations: string[] = [];
  readonly #scenario: Scenario;
  /** The harness's own count of what the sender has in flight [FLOW-1]. */
  #grant: Window;
  #inFlight = new Map<string, number>();
  #healed = false;
  #acked = new Map<number, bigint>();

  constructor(s: Scenario) {
    this.#scenario = s;
    this.#grant = { ...s.window };
    this.sim = new Simulation({ seed: s.seed });
    const streams = STREAMS.map((x) => ({ ...x, endToEnd: x.stream === CRITICAL && s.endToEndDelay !== undefined }));
    this.outbox = new Outbox({ epoch: 9, capacity: s.capacity, streams, window: s.window, retransmitTimeoutMs: s.retransmitTimeoutMs });
    this.inbox = new Inbox({ epoch: 9, window: s.window });
    const knobs = { loss: s.loss, duplicate: s.duplicate, reorder: s.reorder, delayMs: s.delay, maxSize: s.maxMessage, sizeOf: (m: Message) => encodeMessage(m).length };
    this.conn = new SimConnection<Message, Message>(this.sim, (m, now) => this.#atReceiver(m, now), (m, now) => this.#atSender(m, now), { forward: knobs, backward: { ...knobs, maxSize: undefined } });
    this.sim.addNode({ name: "sender", poll: (now) => this.#pollSender(now), pollAt: () => this.outbox.pollTimeout() });
    this.sim.addNode({ name: "receiver", poll: (now) => this.#pollReceiver(now), pollAt: () => undefined });
    let t = 0;
    for (const a of s.actions) {
      t += a.dt;
      this.sim.at(t, () => this.#act(a), a.kind);
    }
    this.sim.at(t + 1, () => this.heal(), "heal");
  }

  /** Eventual connectivity: a clean link, a fresh connection, an open window. */
  heal(): void {
    this.#healed = true;
    for (const link of [this.conn.forward, this.conn.backward]) link.knobs = { ...link.knobs, loss: 0, duplicate: 0, reorder: 0 };
    this.conn.down();
    this.#reconnect(HEALED_WINDOW);
  }

  #act(a: Action): void {
    const now = this.sim.now;
    if (a.kind === "produce") {
      const payload = new Uint8Array(a.size).fill(this.produced.get(a.stream)!.length & 0xff);
      const r = this.outbox.enqueue(a.stream, payload, now, { ttlMs: a.ttlMs ?? 0 });
      const list = this.produced.get(a.stream)!;
      if (r.seq !== BigInt(list.length)) this.violations.push(`stream ${a.stream}: seq ${r.seq} after ${list.length} events [ID-5]`);
      list.push({ payload, at: now, ...(a.ttlMs ? { deadline: now + a.ttlMs } : {}) });
      for (const d of r.dropped) this.senderDrops.add(`${d.stream}:${d.seq}:${d.reason}`);
      if (this.outbox.size > this.outbox.capacity) this.violations.push(`buffer ${this.outbox.size} > capacity ${this.outbox.capacity} [PRIO-10]`);
    } else if (a.kind === "disconnect" || a.kind === "crash") {
      if (!this.conn.isUp || this.#healed) return;
      this.conn.down();
      if (a.kind === "crash") this.#crashReceiver();
      this.sim.after(a.downFor, () => !this.#healed && this.#reconnect(), "reconnect");
    } else {
      this.inbox.grant(a.window);
    }
  }

  /** Memory is lost; the store keeps what was made durable (the receivers' snapshots). */
  #crashReceiver(): void {
    const before = this.inbox;
    this.inbox = new Inbox({ epoch: 9, window: before.window.granted });
    for (const r of before.receivers) {
      this.inbox.adopt(StreamReceiver.restore({ stream: r.stream, epoch: r.epoch, window: this.inbox.window }, r.snapshot()));
    }
  }

  #reconnect(grant?: Window): void {
    if (this.conn.isUp) return;
    this.conn.up();
    this.inbox.resume(grant);
    const w = grant ?? this.inbox.window.granted;
    this.#grant = { ...w };
    this.#inFlight.clear();
    this.outbox.resume(this.sim.now, this.inbox.custody(), w);
    // The relay's part of the handshake: the far end's custody of critical events, end to end.
    const e2e = this.#scenario.endToEndDelay === undefined ? undefined : this.#endToEnd(this.inbox.custody());
    if (e2e) this.outbox.handleAck(e2e, this.sim.now);
  }

  #endToEnd(acks: StreamAck[]): Ack | undefined {
    const streams = acks.filter((a) => a.stream === CRITICAL);
    return streams.length === 0 ? undefined : { streams, scope: "end-to-end", commandsPending: 0 };
  }

  #pollSender(now: number): void {
    const due = this.outbox.pollTimeout();
    if (due !== undefined && due <= now) this.outbox.handleTimeout(now);
    if (!this.conn.isUp) return;
    for (const m of this.outbox.pollTransmit(now, { maxMessage: this.#scenario.maxMessage })) {
      if (m.type === "events") this.#checkWindow(m.events.stream, m.events.firstSeq, m.events.payloads);
      this.conn.forward.send(m);
    }
  }

  /** [FLOW-1] recomputed from the outside: events sent on this connection and not acked. */
  #checkWindow(stream: number, firstSeq: bigint, payloads: Uint8Array[]): void {
    payloads.forEach((p, i) => {
      const key = `${stream}:${firstSeq + BigInt(i)}`;
      if (this.#inFlight.has(key)) return;
      const events = this.#inFlight.size;
      const bytes = [...this.#inFlight.values()].reduce((a, b) => a + b, 0);
      const fits = events + 1 <= this.#grant.events && (bytes + p.length <= this.#grant.bytes || events === 0);
      if (!fits) this.violations.push(`${key}: ${events} events / ${bytes} bytes in flight + ${p.length} > ${JSON.stringify(this.#grant)} [FLOW-1]`);
      this.#inFlight.set(key, p.length);
    });
  }

  #atSender(m: Message, now: number): void {
    if (m.type !== "ack") return;
    if (m.ack.window) this.#grant = { ...m.ack.window };
    for (const sa of m.ack.streams) for (const key of [...this.#inFlight.keys()]) if (key.startsWith(`${sa.stream}:`) && covers(sa, BigInt(key.split(":")[1]!))) this.#inFlight.delete(key);
    const outcomes = this.outbox.handleAck(m.ack, now);
    const freed = outcomes.get(CRITICAL)?.freed;
    if (this.#scenario.endToEndDelay !== undefined && m.ack.scope === "hop" && freed && !freed.isEmpty) {
      this.violations.push(`critical ${freed} freed by a hop ack [ACK-14]`);
    }
  }

  #atReceiver(m: Message, now: number): void {
    const out = this.inbox.handle(m, now);
    if (out?.kind === "events") {
      for (const e of out.outcome.errors) this.violations.push(`receiver refused ${e.first}..${e.last}: ${e.error.message}`);
    }
    this.sim.after(this.#scenario.commitDelay, () => this.inbox.markDurable(), "commit");
  }

  #pollReceiver(now: number): void {
    for (const { key, delivery: d } of this.inbox.pollDeliver(now)) {
      const list = this.delivered.get(key.stream)!;
      list.push(d.kind === "event" ? { kind: "event", seq: d.seq, payload: d.payload, at: now, ...(d.deadline !== undefined && { deadline: d.deadline }) } : { ...d, at: now });
    }
    const ack: Ack | undefined = this.inbox.pollAck();
    for (const sa of ack?.streams ?? []) {
      // [ACK-5] never decreases, not even across the receiver's crash [ACK-2].
      const last = this.#acked.get(sa.stream) ?? 0n;
      if (sa.nextSeq < last) this.violations.push(`stream ${sa.stream}: next_seq ${sa.nextSeq} after ${last} [ACK-5]`);
      this.#acked.set(sa.stream, sa.nextSeq > last ? sa.nextSeq : last);
    }
    if (!ack || !this.conn.isUp) return;
    this.conn.backward.send({ type: "ack", ack });
    const e2e = this.#scenario.endToEndDelay === undefined ? undefined : this.#endToEnd(ack.streams);
    if (e2e) this.sim.after(this.#scenario.endToEndDelay!, () => this.conn.isUp && this.conn.backward.send({ type: "ack", ack: e2e }), "e2e ack");
  }
}

function covers(sa: StreamAck, seq: bigint): boolean {
  return seq < sa.nextSeq || [...sa.received, ...sa.accounted].some((r) => r.first <= seq && seq <= r.last);
}
