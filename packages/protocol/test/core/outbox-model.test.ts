/**
 * Model-based test of the Outbox against DESIGN.md's overflow policy written
 * out plainly [PRIO-10]: a list of buffered events, discarded and dropped by
 * the rule's own words, plus the custody states (queued, sent, downstream)
 * and the loss rule (an ack covering a later send shows an earlier one lost). fast-check runs random command sequences on both and
 * compares after every command; a failure prints the seed, the path and the
 * shrunk command list (replay with `fc.assert(..., { seed, path })`).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Outbox } from "../../src/core/outbox.js";
import type { AccountedRange, Message, Priority, Reason, Scope } from "../../src/message.js";

const STREAMS = [
  { stream: 1, priority: "bulk" as Priority },
  { stream: 2, priority: "bulk" as Priority },
  { stream: 3, priority: "realtime" as Priority },
  { stream: 4, priority: "critical" as Priority },
];
const RANK: Record<Priority, number> = { bulk: 0, realtime: 1, critical: 2 };
const classOf = (stream: number) => STREAMS.find((s) => s.stream === stream)!.priority;
const endToEnd = (stream: number) => classOf(stream) === "critical";

interface ModelEvent {
  stream: number;
  seq: bigint;
  arrival: number;
  deadline?: number;
  state: "queued" | "sent" | "downstream";
  sentOrder?: number;
}

interface ModelAccounting {
  stream: number;
  seq: bigint;
  reason: Reason;
  sentOrder?: number;
  downstream?: boolean;
}

class Model {
  now = 0;
  arrivals = 0;
  events: ModelEvent[] = [];
  accounted: ModelAccounting[] = [];
  next = new Map<number, bigint>(STREAMS.map((s) => [s.stream, 0n]));
  /** Send order, per stream as in StreamSender. */
  order = new Map<number, number>(STREAMS.map((s) => [s.stream, 0]));
  constructor(readonly capacity: number) {}

  account(stream: number, seq: bigint, reason: Reason) {
    this.accounted.push({ stream, seq, reason });
  }

  /** DESIGN.md, "Priority, expiry, overflow", word for word. */
  enqueue(stream: number, ttlMs: number | undefined): { stream: number; seq: bigint; reason: Reason }[] {
    const dropped: { stream: number; seq: bigint; reason: Reason }[] = [];
    const seq = this.next.get(stream)!;
    this.next.set(stream, seq + 1n);
    if (this.events.length >= this.capacity) {
      // "a full buffer first discards its expired events (accounted EXPIRED)"
      for (const e of this.events.filter((e) => e.deadline !== undefined && e.deadline <= this.now)) {
        dropped.push({ stream: e.stream, seq: e.seq, reason: "expired" });
        this.account(e.stream, e.seq, "expired");
      }
      this.events = this.events.filter((e) => !(e.deadline !== undefined && e.deadline <= this.now));
    }
    if (this.events.length >= this.capacity) {
      // "drops the oldest buffered event of the lowest class present whose class is <= C"
      const c = RANK[classOf(stream)];
      const eligible = this.events.filter((e) => RANK[classOf(e.stream)] <= c);
      if (eligible.length === 0) {
        // "if every buffered event has a higher class than C, the new event itself is dropped"
        this.account(stream, seq, "overflow");
        return [...dropped, { stream, seq, reason: "overflow" }];
      }
      const lowest = Math.min(...eligible.map((e) => RANK[classOf(e.stream)]));
      const victim = eligible.filter((e) => RANK[classOf(e.stream)] === lowest).sort((a, b) => a.arrival - b.arrival)[0]!;
      this.events = this.events.filter((e) => e !== victim);
      this.account(victim.stream, victim.seq, "overflow");
      dropped.push({ stream: victim.stream, seq: victim.seq, reason: "overflow" });
    }
    this.events.push({ stream, seq, arrival: this.arrivals++, state: "queued", ...(ttlMs ? { deadline: this.now + ttlMs } : {}) });
    return dropped;
  }

  transmit() {
    // Expired events are never sent; queued ones are accounted instead [PRIO-6].
    for (const e of this.events) if (e.state === "queued" && e.deadline !== undefined && e.deadline <= this.now) this.account(e.stream, e.seq, "expired");
    this.events = this.events.filter((e) => !(e.state === "queued" && e.deadline !== undefined && e.deadline <= this.now));
    for (const { stream } of STREAMS) {
      const unsent = this.accounted.filter((a) => a.stream === stream && a.sentOrder === undefined && !a.downstream);
      if (unsent.length > 0) {
        const order = this.bump(stream);
        for (const a of unsent) a.sentOrder = order;
      }
      const queued = this.events.filter((e) => e.stream === stream && e.state === "queued").sort((a, b) => (a.seq < b.seq ? -1 : 1));
      for (const e of queued) Object.assign(e, { state: "sent", sentOrder: this.bump(stream) });
    }
  }

  bump(stream: number): number {
    const o = this.order.get(stream)!;
    this.order.set(stream, o + 1);
    return o;
  }

  ack(stream: number, nextSeq: bigint, scope: Scope) {
    const frees = scope === "end-to-end" || !endToEnd(stream);
    const mine = <T extends { stream: number }>(xs: T[]) => xs.filter((x) => x.stream === stream);
    const covered = <T extends { stream: number; seq: bigint }>(x: T) => x.stream === stream && x.seq < nextSeq;
    // The latest send the ack covers shows every earlier send it does not cover lost.
    const orders = [...mine(this.events).filter(covered), ...mine(this.accounted).filter(covered)].map((x) => x.sentOrder ?? -1);
    const acked = Math.max(-1, ...orders);
    for (const a of this.accounted.filter(covered)) Object.assign(a, { sentOrder: undefined, downstream: !frees });
    for (const e of this.events.filter(covered)) e.state = "downstream";
    if (frees) {
      this.events = this.events.filter((e) => !covered(e));
      this.accounted = this.accounted.filter((a) => !covered(a));
    }
    for (const e of mine(this.events)) if (e.state === "sent" && e.sentOrder! < acked) e.state = "queued";
    for (const a of mine(this.accounted)) if (a.sentOrder !== undefined && a.sentOrder < acked) a.sentOrder = undefined;
  }

  resume() {
    for (const e of this.events) Object.assign(e, { state: "queued", sentOrder: undefined });
    for (const a of this.accounted) Object.assign(a, { sentOrder: undefined, downstream: false });
  }
}

type Real = { outbox: Outbox; sent: string[] };
type Cmd = fc.Command<Model, Real>;

function check(m: Model, r: Real) {
  const o = r.outbox;
  expect(o.size).toBeLessThanOrEqual(o.capacity);
  const real = o.senders.flatMap((s) => s.events().map((e) => `${s.stream}:${e.seq}:${e.state}`)).sort();
  expect(real).toEqual(m.events.map((e) => `${e.stream}:${e.seq}:${e.state}`).sort());
  const flat = (rs: AccountedRange[], stream: number) =>
    rs.flatMap((r) => Array.from({ length: Number(r.last - r.first + 1n) }, (_, i) => `${stream}:${r.first + BigInt(i)}:${r.reason}`));
  const acc = o.senders.flatMap((s) => flat(s.accounted(), s.stream)).sort();
  expect(acc).toEqual(m.accounted.map((a) => `${a.stream}:${a.seq}:${a.reason}`).sort());
}

class Enqueue implements Cmd {
  constructor(readonly stream: number, readonly ttlMs: number | undefined) {}
  check = () => true;
  run(m: Model, r: Real) {
    const want = m.enqueue(this.stream, this.ttlMs);
    const got = r.outbox.enqueue(this.stream, new Uint8Array(3), m.now, { ttlMs: this.ttlMs ?? 0 });
    const key = (d: { stream: number; seq: bigint; reason: Reason }) => `${d.stream}:${d.seq}:${d.reason}`;
    expect(got.dropped.map(key).sort()).toEqual(want.map(key).sort());
    check(m, r);
  }
  toString = () => `enqueue(${this.stream}, ttl ${this.ttlMs})`;
}

class Advance implements Cmd {
  constructor(readonly ms: number) {}
  check = () => true;
  run(m: Model, r: Real) {
    m.now += this.ms;
    check(m, r);
  }
  toString = () => `advance(${this.ms})`;
}

class Transmit implements Cmd {
  check = () => true;
  run(m: Model, r: Real) {
    m.transmit();
    const out: Message[] = r.outbox.pollTransmit(m.now);
    const order = out.flatMap((x) => (x.type === "events" ? x.events.payloads.map((_, i) => ({ stream: x.events.stream, seq: x.events.firstSeq + BigInt(i) })) : []));
    // Classes never go up along the send order; each stream in sequence order.
    for (let i = 1; i < order.length; i++) {
      expect(RANK[classOf(order[i]!.stream)]).toBeLessThanOrEqual(RANK[classOf(order[i - 1]!.stream)]);
    }
    for (const s of STREAMS) {
      const mine = order.filter((x) => x.stream === s.stream).map((x) => x.seq);
      expect(mine).toEqual([...mine].sort((a, b) => (a < b ? -1 : 1)));
    }
    check(m, r);
  }
  toString = () => "transmit";
}

class AckCmd implements Cmd {
  constructor(readonly stream: number, readonly upTo: number, readonly scope: Scope) {}
  check = () => true;
  run(m: Model, r: Real) {
    const produced = m.next.get(this.stream)!;
    const nextSeq = BigInt(this.upTo) > produced ? produced : BigInt(this.upTo);
    m.ack(this.stream, nextSeq, this.scope);
    r.outbox.handleAck({ streams: [{ stream: this.stream, epoch: 7, nextSeq, received: [], accounted: [] }], scope: this.scope, commandsPending: 0 }, m.now);
    check(m, r);
  }
  toString = () => `ack(${this.stream}, <${this.upTo}, ${this.scope})`;
}

class Resume implements Cmd {
  check = () => true;
  run(m: Model, r: Real) {
    m.resume();
    r.outbox.resume(m.now);
    check(m, r);
  }
  toString = () => "resume";
}

const streamArb = fc.constantFrom(...STREAMS.map((s) => s.stream));
const commands = fc.commands(
  [
    fc.tuple(streamArb, fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined })).map(([s, t]) => new Enqueue(s, t)),
    fc.integer({ min: 1, max: 40 }).map((ms) => new Advance(ms)),
    fc.constant(new Transmit()),
    fc.tuple(streamArb, fc.nat({ max: 12 }), fc.constantFrom<Scope>("hop", "end-to-end")).map(([s, n, scope]) => new AckCmd(s, n, scope)),
    fc.constant(new Resume()),
  ],
  { maxCommands: 80, size: "max" },
);

describe("Outbox against a model of the overflow policy", () => {
  it("[PRIO-10] [PRIO-6] [ACK-14] drops, discards, frees and holds exactly as DESIGN.md says, never above capacity", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), commands, (capacity, cmds) => {
        const setup = () => ({
          model: new Model(capacity),
          real: { outbox: new Outbox({ epoch: 7, capacity, streams: STREAMS }), sent: [] },
        });
        fc.modelRun(setup, cmds);
      }),
    );
  });
});
