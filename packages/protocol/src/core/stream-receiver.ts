/**
 * The receiving side of one (stream, epoch) on one hop: takes events and
 * accountings into custody, acknowledges only what the driver reports
 * durable, and hands the application every sequence exactly once, in order,
 * as an event or as an accounting [ACK-2] [ACK-4] [ACK-9].
 *
 * Sans-IO: `handleRun`/`handleAccounting` say what is new (for the driver to
 * store), `markDurable` says the store committed it, `pollDeliver` and
 * `pollAck` give what to hand over and what to acknowledge.
 *
 * Rules:
 * - A new event is held in memory, not acknowledged, until markDurable [ACK-2].
 * - An identity already held is a duplicate: acknowledged again, never
 *   delivered twice. Held with a different payload, it is a
 *   SEQUENCE_CONFLICT: refused, the stored event untouched.
 * - Events beyond the granted window are refused, not acked: the sender
 *   keeps custody (WINDOW_EXCEEDED) [FLOW-1].
 * - An event held for a sequence wins over an accounting for it: an
 *   accounting only covers what this hop does not hold.
 * - Delivery follows sequence order; an event whose deadline (arrival +
 *   ttl_ms on this hop's clock) has passed is not delivered but accounted
 *   EXPIRED by this hop, and reported in `accounted` below next_seq [PRIO-6].
 */
import { ProtocolError } from "../errors.js";
import { MAX_U64, type AccountedRange, type Accounting, type EventRun, type Range, type Reason, type StreamAck } from "../message.js";
import { AccountedRanges } from "./accounted-ranges.js";
import { RangeSet } from "./ranges.js";
import { ReceiveWindow } from "./window.js";

export interface StreamReceiverOptions {
  stream: number;
  epoch: number;
  /** The connection's window, shared by its streams; default a private, unlimited one. */
  window?: ReceiveWindow;
  /** Payload of an event already delivered, from the driver's store, to tell a duplicate from a conflict. */
  storedPayload?: (seq: bigint) => Uint8Array | undefined;
}

/** An event the receiver took and the driver must store durably. */
export interface ReceivedEvent {
  seq: bigint;
  payload: Uint8Array;
  signature?: Uint8Array;
  /** On this hop's clock: arrival + ttl_ms; absent: never expires [PRIO-5]. */
  deadline?: number;
}

/** A refusal of some sequences, for an Error message naming the first one. */
export interface StreamError {
  error: ProtocolError;
  first: bigint;
  last: bigint;
}

export interface RunOutcome {
  /** New events, to store durably and then markDurable. */
  stored: ReceivedEvent[];
  duplicates: Range[];
  /** SEQUENCE_CONFLICT and WINDOW_EXCEEDED; those events are not taken. */
  errors: StreamError[];
}

export interface AccountingOutcome {
  /** New accountings, to store durably and then markDurable [ACK-11]. */
  stored: AccountedRange[];
  /** Sequences already held or accounted. */
  duplicates: Range[];
}

/** One item handed to the application, in sequence order. */
export type Delivery =
  | { kind: "event"; seq: bigint; payload: Uint8Array; signature?: Uint8Array; deadline?: number }
  | { kind: "accounted"; first: bigint; last: bigint; reason: Reason };

/** A receiver's durable state: what survives its crash [ACK-2]. */
export interface ReceiverState {
  /** Every sequence below was delivered (as an event or an accounting). */
  delivered: bigint;
  /** Durable events not delivered yet. */
  held: ReceivedEvent[];
  /** Durable received sequences at or above `delivered` (delivered or not). */
  received: Range[];
  /** Durable accountings at or above `delivered`. */
  accounted: AccountedRange[];
}

interface Pending extends ReceivedEvent {
  durable: boolean;
}

export class StreamReceiver {
  readonly stream: number;
  readonly epoch: number;
  readonly window: ReceiveWindow;
  readonly #storedPayload: ((seq: bigint) => Uint8Array | undefined) | undefined;
  /** Received, not delivered yet. */
  #events = new Map<bigint, Pending>();
  /** Durable, at or above #delivered. */
  #received = new RangeSet();
  #accounted = new AccountedRanges();
  #pendingAccounted = new AccountedRanges();
  /** This hop's own accountings (expired while held), not yet reported in an ack. */
  #own = new AccountedRanges();
  #delivered = 0n;
  /** Admitted on this connection and not yet covered by an ack: seq -> bytes [FLOW-1]. */
  #unacked = new Map<bigint, number>();
  #ackDue = false;

  constructor(options: StreamReceiverOptions) {
    this.stream = options.stream;
    this.epoch = options.epoch;
    this.window = options.window ?? new ReceiveWindow();
    this.#storedPayload = options.storedPayload;
  }

  /** Rebuilds from durable state after a crash: what was acked is still held [ACK-2]. */
  static restore(options: StreamReceiverOptions, state: ReceiverState): StreamReceiver {
    const r = new StreamReceiver(options);
    r.#delivered = state.delivered;
    r.#received.addAll(state.received).removeBelow(state.delivered);
    for (const a of state.accounted) r.#accounted.add(a.first, a.last, a.reason);
    r.#accounted.removeBelow(state.delivered);
    for (const e of state.held) r.#events.set(e.seq, { ...e, durable: true });
    r.#ackDue = true;
    return r;
  }

  snapshot(): ReceiverState {
    const held = [...this.#events.values()].filter((e) => e.durable).map(({ durable: _, ...e }) => e);
    return { delivered: this.#delivered, held, received: this.#received.toArray(), accounted: this.#accounted.toArray() };
  }

  /** Every sequence below this was delivered or accounted to the application. */
  get delivered(): bigint {
    return this.#delivered;
  }

  /** Cumulative: the lowest sequence neither durably held nor accounted [ACK-4]. */
  get nextSeq(): bigint {
    return this.#covered().nextMissing(this.#delivered);
  }

  // ---- inputs ----

  handleRun(run: EventRun, now: number): RunOutcome {
    this.#checkKey(run.stream, run.epoch);
    const out: RunOutcome = { stored: [], duplicates: [], errors: [] };
    const last = run.firstSeq + BigInt(run.payloads.length) - 1n;
    if (last > MAX_U64) {
      const error = new ProtocolError("INVALID_FIELD", `run ${run.firstSeq}+${run.payloads.length} passes 2^64-1`);
      out.errors.push({ error, first: run.firstSeq, last: MAX_U64 });
      return out;
    }
    const deadline = run.ttlMs === 0 ? undefined : now + run.ttlMs;
    const dups = new RangeSet();
    const refused = new RangeSet();
    run.payloads.forEach((payload, i) => {
      const seq = run.firstSeq + BigInt(i);
      const held = this.#heldPayload(seq);
      if (held === "settled" || (held !== undefined && sameBytes(held, payload))) return void dups.add(seq);
      if (held !== undefined) {
        const error = new ProtocolError("SEQUENCE_CONFLICT", `stream ${this.stream} seq ${seq} held with another payload`);
        return void out.errors.push({ error, first: seq, last: seq });
      }
      if (!this.window.admit(payload.length)) return void refused.add(seq);
      this.#unacked.set(seq, payload.length);
      const event: ReceivedEvent = { seq, payload, ...(run.signatures[i] && { signature: run.signatures[i] }), ...(deadline !== undefined && { deadline }) };
      this.#events.set(seq, { ...event, durable: false });
      out.stored.push(event);
    });
    for (const r of refused) {
      out.errors.push({ error: new ProtocolError("WINDOW_EXCEEDED", `stream ${this.stream} seq ${r.first}..${r.last} beyond the window`), ...r });
    }
    out.duplicates = dups.toArray();
    if (!dups.isEmpty) this.#ackDue = true;
    return out;
  }

  /** An Accounting: custody of the ranges this hop does not hold otherwise [ACK-11]. */
  handleAccounting(accounting: Accounting, _now: number): AccountingOutcome {
    this.#checkKey(accounting.stream, accounting.epoch);
    const out: AccountingOutcome = { stored: [], duplicates: [] };
    const known = this.#covered().addAll(this.#pendingAccounted.union());
    for (const seq of this.#events.keys()) known.add(seq);
    if (this.#delivered > 0n) known.add(0n, this.#delivered - 1n);
    for (const r of accounting.ranges) {
      out.duplicates.push(...known.within(r.first, r.last));
      for (const gap of known.gaps(r.first, r.last)) out.stored.push(...this.#pendingAccounted.add(gap.first, gap.last, r.reason));
      known.add(r.first, r.last);
    }
    if (out.duplicates.length > 0) this.#ackDue = true;
    return out;
  }

  /**
   * The driver's store committed what it was given: events and accountings in
   * `ranges` (all pending ones when omitted) are now durable, so acked [ACK-2].
   */
  markDurable(ranges?: Iterable<Range>): void {
    const within = ranges === undefined ? undefined : RangeSet.of(ranges);
    for (const e of this.#events.values()) {
      if (e.durable || (within && !within.has(e.seq))) continue;
      e.durable = true;
      this.#received.add(e.seq);
      this.#ackDue = true;
    }
    const pending = this.#pendingAccounted.toArray();
    for (const a of pending) {
      for (const part of within ? within.within(a.first, a.last) : [a]) {
        this.#pendingAccounted.remove(part.first, part.last);
        this.#accounted.add(part.first, part.last, a.reason);
        this.#ackDue = true;
      }
    }
  }

  /** A new connection: the window count starts afresh and custody is announced again. */
  resume(): void {
    for (const size of this.#unacked.values()) this.window.release(size);
    this.#unacked.clear();
    this.#ackDue = true;
  }

  // ---- outputs ----

  /**
   * What to hand the application, in sequence order, each sequence once:
   * durable events (or their EXPIRED accounting when past their deadline)
   * and durable accountings. Stops at the first sequence not yet settled.
   */
  pollDeliver(now: number): Delivery[] {
    const out: Delivery[] = [];
    for (;;) {
      const seq = this.#delivered;
      const e = this.#events.get(seq);
      if (e?.durable) {
        this.#events.delete(seq);
        if (e.deadline !== undefined && now >= e.deadline) {
          this.#accounted.add(seq, seq, "expired");
          this.#own.add(seq, seq, "expired");
          this.#ackDue = true;
          out.push({ kind: "accounted", first: seq, last: seq, reason: "expired" });
        } else {
          out.push({ kind: "event", seq, payload: e.payload, ...(e.signature && { signature: e.signature }), ...(e.deadline !== undefined && { deadline: e.deadline }) });
        }
        this.#delivered = seq + 1n;
        continue;
      }
      const a = e === undefined ? this.#accounted.rangeOf(seq) : undefined;
      if (a === undefined) break;
      out.push({ kind: "accounted", first: seq, last: a.last, reason: a.reason });
      this.#delivered = a.last + 1n;
    }
    this.#received.removeBelow(this.#delivered);
    this.#accounted.removeBelow(this.#delivered);
    return out;
  }

  /** The custody this hop reports, from durable state only [ACK-2] [ACK-3]. */
  ackState(): StreamAck {
    const nextSeq = this.nextSeq;
    const accounted = [...this.#accounted.above(nextSeq - 1n), ...this.#own.toArray().filter((r) => r.last < nextSeq)];
    accounted.sort((a, b) => (a.first < b.first ? -1 : 1));
    return { stream: this.stream, epoch: this.epoch, nextSeq, received: this.#received.above(nextSeq - 1n), accounted };
  }

  /**
   * An ack to send when custody changed or a duplicate asked for one;
   * undefined otherwise. Sending it frees the window it covers [FLOW-1].
   */
  pollAck(): StreamAck | undefined {
    if (!this.#ackDue) return undefined;
    this.#ackDue = false;
    const ack = this.ackState();
    const covered = this.#covered();
    for (const [seq, size] of this.#unacked) {
      if (seq < this.#delivered || covered.has(seq)) {
        this.#unacked.delete(seq);
        this.window.release(size);
      }
    }
    this.#own = new AccountedRanges();
    return ack;
  }

  // ---- internals ----

  /** Durable received or accounted, at or above #delivered. */
  #covered(): RangeSet {
    return this.#received.clone().addAll(this.#accounted.union());
  }

  /** The payload held for `seq`; "settled" when known but not comparable; undefined when new. */
  #heldPayload(seq: bigint): Uint8Array | "settled" | undefined {
    const e = this.#events.get(seq);
    if (e) return e.payload;
    // Durable custody restored without its payload (restore() from a store) [ACK-7].
    if (this.#received.has(seq)) return this.#storedPayload?.(seq) ?? "settled";
    if (this.#accounted.has(seq) || this.#pendingAccounted.has(seq)) return "settled";
    if (seq < this.#delivered) return this.#storedPayload?.(seq) ?? "settled";
    return undefined;
  }

  #checkKey(stream: number, epoch: number): void {
    // Epoch 0 means the device's current epoch on the BLE leg [ENV-4].
    if (stream !== this.stream || (epoch !== this.epoch && epoch !== 0)) {
      throw new ProtocolError("INVALID_FIELD", `stream ${stream} epoch ${epoch} routed to receiver of ${this.stream}/${this.epoch}`, "local");
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
