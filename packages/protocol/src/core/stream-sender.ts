/**
 * The sending side of one (stream, epoch) on one hop: holds events in
 * custody until an acknowledgement covers them, and turns them into EventRun
 * and Accounting messages within the window and max_message [ACK-2] [FLOW-1].
 *
 * Sans-IO, in the manner of quinn-proto: `enqueue`/`accept`/`handle*` take
 * inputs, `poll*` give outputs, `pollTimeout` says when `handleTimeout` wants
 * to run. The driver drains in this order after any input: pollAccounting,
 * pollRun until undefined (or pollTransmit for both), then pollTimeout.
 *
 * Custody rules (transitions in custody.ts):
 * - An event leaves custody only when an ack covers it: below next_seq, in
 *   `received`, or in `accounted` [ACK-4] [ACK-6] [ACK-9]. On an end-to-end
 *   stream a hop ack only marks it downstream; an END_TO_END ack frees it [ACK-14].
 * - An event whose deadline passed is never sent; it becomes an EXPIRED
 *   accounting, held and resent until acknowledged like events [PRIO-6] [ACK-11].
 * - Within a connection nothing is resent blindly: only what an ack shows
 *   lost, or what stayed unacked for `retransmitTimeoutMs`; after `resume()`
 *   everything unacked is resent. "Shown lost" means: the ack covers
 *   something sent after it on this connection, but not it. DESIGN.md says
 *   "missing below the highest acked seq"; judging by send order instead
 *   keeps a resent event (with a lower seq than others already acked) from
 *   being resent again on every ack until the receiver's commit catches up.
 */
import { ProtocolError } from "../errors.js";
import { MAX_U64, type AccountedRange, type Accounting, type EventRun, type Message, type Priority, type Reason, type Scope, type StreamAck } from "../message.js";
import { AccountingCustody } from "./accounting-custody.js";
import type { HeldEvent, SenderState } from "./custody.js";
import { accountedRangeSize, accountingHeaderSize, eventSize, messageSize, runHeaderSize } from "./message-size.js";
import { RangeSet } from "./ranges.js";
import { SendWindow } from "./window.js";

export interface StreamSenderOptions {
  stream: number;
  /** As sent in EventRun.epoch: 0 on the BLE leg means the device's current epoch [ENV-4]. */
  epoch: number;
  /** The stream's class, repeated in each run [PRIO-2]. */
  priority: Priority;
  /** Free events only on an END_TO_END ack (critical streams on a device) [ACK-14]. */
  endToEnd?: boolean;
  /** Resend what stays unacked this long within a connection; default: only when shown lost, or on resume. */
  retransmitTimeoutMs?: number;
  /** Most TTL an event may lose by sharing a run whose TTL is its smallest [ENV-6]. Default 1000. */
  ttlSlackMs?: number;
  /** The connection's window, shared by its streams; default a private, unlimited one [FLOW-1]. */
  window?: SendWindow;
  /** Next sequence to assign (from a restored state) [ID-5]. Default 0. */
  nextSeq?: bigint;
}

export interface EnqueueOptions {
  /** Time to live from now; absent or 0: never expires [PRIO-5]. */
  ttlMs?: number;
  signature?: Uint8Array;
  /** Order of arrival across streams (an Outbox passes its own counter). */
  arrival?: number;
}

export interface AcceptOptions {
  /** On this hop's clock: arrival + ttl_ms [PRIO-5]; absent: never expires. */
  deadline?: number;
  signature?: Uint8Array;
  arrival?: number;
}

export interface TransmitLimits {
  /** Largest message the peer accepts [ENV-8]. Default 4096 (BLE). */
  maxMessage?: number;
  /** Send at most this many events now (pacing, a wake budget). */
  maxEvents?: number;
}

export interface AckOutcome {
  /** Events and accountings that left custody. */
  freed: RangeSet;
  /** Events newly held for the end-to-end ack only [ACK-14]. */
  downstream: RangeSet;
}

type Held = { -readonly [K in keyof HeldEvent]: HeldEvent[K] } & { sentOrder?: number };

export const DEFAULT_MAX_MESSAGE = 4096;
const U32_MAX = 0xffff_ffff;

export class StreamSender {
  readonly stream: number;
  readonly epoch: number;
  readonly priority: Priority;
  readonly endToEnd: boolean;
  readonly window: SendWindow;
  readonly #rto: number | undefined;
  readonly #slack: number;
  #nextSeq: bigint;
  #arrivals = 0;
  /** Sorted by seq. */
  #held: Held[] = [];
  /** Sent on this connection and not yet acked: seq -> payload bytes [FLOW-1]. */
  #inFlight = new Map<bigint, number>();
  #accounted = new AccountingCustody();
  /** Order of sends on this connection, events and accountings alike. */
  #order = 0;
  /** Everything below is freed: later copies of those sequences are stale. */
  #floor = 0n;

  constructor(options: StreamSenderOptions) {
    this.stream = options.stream;
    this.epoch = options.epoch;
    this.priority = options.priority;
    this.endToEnd = options.endToEnd ?? false;
    this.window = options.window ?? new SendWindow();
    this.#rto = options.retransmitTimeoutMs;
    this.#slack = options.ttlSlackMs ?? 1000;
    this.#nextSeq = options.nextSeq ?? 0n;
  }

  /** Rebuilds custody from durable state after a restart: everything is queued again. */
  static restore(options: StreamSenderOptions, state: SenderState): StreamSender {
    const s = new StreamSender({ ...options, nextSeq: state.nextSeq });
    for (const e of state.events) s.#insert({ ...e, state: "queued" });
    for (const r of state.accounted) s.#accounted.add(r.first, r.last, r.reason);
    s.#arrivals = state.events.reduce((m, e) => Math.max(m, e.arrival + 1), 0);
    return s;
  }

  /** The next sequence a producer assigns [ID-5]. */
  get nextSeq(): bigint {
    return this.#nextSeq;
  }

  /** Events in custody (queued, sent or downstream). */
  get size(): number {
    return this.#held.length;
  }

  /** Nothing held: every event and accounting was acknowledged. */
  get isSettled(): boolean {
    return this.#held.length === 0 && this.#accounted.isEmpty;
  }

  events(): readonly HeldEvent[] {
    return this.#held.map(({ sentOrder: _, ...h }) => h);
  }

  /** Accountings held until acknowledged [ACK-11]. */
  accounted(): AccountedRange[] {
    return this.#accounted.toArray();
  }

  /** The first event waiting to be sent, if any. */
  firstQueued(): HeldEvent | undefined {
    return this.#held.find((h) => h.state === "queued");
  }

  /** The oldest event held, whatever its state [PRIO-10]. */
  oldest(): HeldEvent | undefined {
    return this.#held.reduce<Held | undefined>((o, h) => (o === undefined || h.arrival < o.arrival ? h : o), undefined);
  }

  snapshot(): SenderState {
    const events = this.#held.map(({ seq, payload, signature, deadline, arrival }) => ({
      seq,
      payload,
      arrival,
      ...(signature && { signature }),
      ...(deadline !== undefined && { deadline }),
    }));
    return { nextSeq: this.#nextSeq, events, accounted: this.#accounted.toArray() };
  }

  // ---- inputs ----

  /** A producer's new event: takes the next sequence [ID-5]. */
  enqueue(payload: Uint8Array, now: number, options: EnqueueOptions = {}): bigint {
    const seq = this.#takeSeq();
    const ttl = options.ttlMs ?? 0;
    this.#insert({
      seq,
      payload,
      signature: options.signature,
      deadline: ttl > 0 ? now + ttl : undefined,
      arrival: options.arrival ?? this.#arrivals++,
      state: "queued",
    });
    return seq;
  }

  /**
   * A producer's new event that never enters custody (the overflow policy
   * dropped it on arrival): its sequence is taken and accounted at once, so
   * nothing disappears silently [PRIO-10] [ID-5].
   */
  accountNext(reason: Reason): bigint {
    const seq = this.#takeSeq();
    this.#accounted.add(seq, seq, reason);
    return seq;
  }

  /**
   * A relaying hop takes custody of an event it received (the app forwarding a
   * device's event). False when already held or freed. An event past its
   * deadline is accounted EXPIRED at once: this is the hop that noticed [PRIO-6].
   */
  accept(seq: bigint, payload: Uint8Array, now: number, options: AcceptOptions = {}): boolean {
    if (seq < this.#floor || this.#indexOf(seq) >= 0 || this.#accounted.has(seq)) return false;
    if (seq >= this.#nextSeq) this.#nextSeq = seq + 1n;
    if (options.deadline !== undefined && options.deadline <= now) {
      this.#accounted.add(seq, seq, "expired");
      return true;
    }
    const { deadline, signature } = options;
    this.#insert({ seq, payload, signature, deadline, arrival: options.arrival ?? this.#arrivals++, state: "queued" });
    return true;
  }

  /** A relaying hop takes custody of an upstream accounting, to send on [ACK-11]. */
  acceptAccounting(range: AccountedRange): AccountedRange[] {
    const out: AccountedRange[] = [];
    for (const part of RangeSet.span(range.first, range.last).removeBelow(this.#floor)) {
      const free = RangeSet.span(part.first, part.last);
      for (const h of this.#held) if (h.seq >= part.first && h.seq <= part.last) free.remove(h.seq);
      for (const r of free) out.push(...this.#accounted.add(r.first, r.last, range.reason));
      if (part.last >= this.#nextSeq) this.#nextSeq = part.last + 1n;
    }
    return out;
  }

  /** An acknowledgement of this stream from the next hop, or relayed from the end [ACK-13]. */
  handleAck(ack: StreamAck, _now: number, scope: Scope = "hop"): AckOutcome {
    const covered = RangeSet.of(ack.received).addAll(ack.accounted);
    if (ack.nextSeq > 0n) covered.add(0n, ack.nextSeq - 1n);
    const frees = scope === "end-to-end" || !this.endToEnd;
    const out: AckOutcome = { freed: new RangeSet(), downstream: new RangeSet() };

    for (const [seq, size] of this.#inFlight) {
      if (covered.has(seq)) {
        this.#inFlight.delete(seq);
        this.window.release(size);
      }
    }
    // The latest send this ack covers: anything sent before it and not covered was lost.
    let acked = this.#accounted.handleAck(covered, frees, out.freed);
    this.#held = this.#held.filter((h) => {
      if (!covered.has(h.seq)) return true;
      if (h.sentOrder !== undefined && h.sentOrder > acked) acked = h.sentOrder;
      if (frees) return void out.freed.add(h.seq), false;
      if (h.state !== "downstream") out.downstream.add(h.seq);
      h.state = "downstream";
      return true;
    });
    if (frees && ack.nextSeq > this.#floor) this.#floor = ack.nextSeq;
    for (const h of this.#held) if (h.state === "sent" && h.sentOrder! < acked) h.state = "queued";
    this.#accounted.resendSentBefore(acked);
    return out;
  }

  /** The connection was lost and a new one is up: everything unacked is sent again. */
  resume(): void {
    for (const size of this.#inFlight.values()) this.window.release(size);
    this.#inFlight.clear();
    for (const h of this.#held) {
      h.state = "queued";
      delete h.sentOrder;
    }
    this.#accounted.resume();
  }

  /**
   * Accounts EXPIRED every queued event whose deadline passed (with
   * `inFlightToo`, sent and downstream ones as well: a full buffer discards
   * them all before dropping anything [PRIO-10]).
   */
  expire(now: number, inFlightToo = false): AccountedRange[] {
    const out: AccountedRange[] = [];
    this.#held = this.#held.filter((h) => {
      if (h.deadline === undefined || h.deadline > now || (h.state !== "queued" && !inFlightToo)) return true;
      out.push(...this.#accounted.add(h.seq, h.seq, "expired"));
      return false;
    });
    return out;
  }

  /** Removes one held event and accounts it (overflow) [PRIO-10]; false if not held. */
  drop(seq: bigint, reason: Reason = "overflow"): boolean {
    const i = this.#indexOf(seq);
    if (i < 0) return false;
    this.#held.splice(i, 1);
    this.#accounted.add(seq, seq, reason);
    return true;
  }

  handleTimeout(now: number): void {
    this.expire(now);
    if (this.#rto === undefined) return;
    for (const h of this.#held) if (h.state === "sent" && h.sentAt! + this.#rto <= now) h.state = "queued";
    this.#accounted.handleTimeout(now, this.#rto);
  }

  // ---- outputs ----

  /** When handleTimeout wants to run: the next expiry of a queued event or retransmit timeout. */
  pollTimeout(): number | undefined {
    let t: number | undefined;
    const at = (x: number) => (t = t === undefined || x < t ? x : t);
    for (const h of this.#held) {
      if (h.state === "queued" && h.deadline !== undefined) at(h.deadline);
      if (h.state === "sent" && this.#rto !== undefined) at(h.sentAt! + this.#rto);
    }
    const accounting = this.#rto === undefined ? undefined : this.#accounted.timeout(this.#rto);
    if (accounting !== undefined) at(accounting);
    return t;
  }

  /** Accountings not sent on this connection yet, cut to max_message [ACK-9]. Not windowed. */
  pollAccounting(now: number, maxMessage = DEFAULT_MAX_MESSAGE): Accounting[] {
    this.expire(now);
    const pending = this.#accounted.unsent();
    if (pending.length === 0) return [];
    const out: Accounting[] = [];
    const header = accountingHeaderSize(this.stream, this.epoch);
    let ranges: AccountedRange[] = [];
    let body = header;
    for (const r of pending) {
      const size = accountedRangeSize(r);
      if (ranges.length > 0 && messageSize(body + size) > maxMessage) {
        out.push({ stream: this.stream, epoch: this.epoch, ranges });
        ranges = [];
        body = header;
      }
      ranges.push(r);
      body += size;
    }
    out.push({ stream: this.stream, epoch: this.epoch, ranges });
    this.#accounted.markSent(pending, this.#order++, now);
    return out;
  }

  /**
   * The next run of queued events: consecutive sequences, all signed or all
   * not, all expiring or none, TTLs within the slack, within max_message and
   * the window (one event may exceed the window's bytes when nothing is in
   * flight) [ENV-1] [ENV-6] [FLOW-1]. Undefined when nothing can be sent.
   */
  pollRun(now: number, maxMessage = DEFAULT_MAX_MESSAGE, maxEvents = Infinity): EventRun | undefined {
    this.expire(now);
    const start = this.#held.findIndex((h) => h.state === "queued");
    const first = this.#held[start];
    if (first === undefined || maxEvents < 1 || !this.#windowAllows(first)) return undefined;
    // ttl_ms left, whole milliseconds, >= 1 since expired events are gone [PRIO-5].
    const ttlOf = (h: Held) => (h.deadline === undefined ? undefined : Math.min(U32_MAX, Math.max(1, Math.floor(h.deadline - now))));
    const firstTtl = ttlOf(first);
    const header = runHeaderSize({ stream: this.stream, firstSeq: first.seq, priority: this.priority, ttlMs: firstTtl ?? 0, epoch: this.epoch });
    let body = header + eventSize(first.payload.length, first.signature?.length);
    if (messageSize(body) > maxMessage) {
      throw new ProtocolError("MESSAGE_TOO_LARGE", `event ${first.seq} of stream ${this.stream} needs ${messageSize(body)} bytes, max ${maxMessage}`, "local");
    }
    const run = [first];
    this.#send(first, now);
    let [lo, hi] = [firstTtl ?? 0, firstTtl ?? 0];
    for (let i = start + 1; i < this.#held.length && run.length < maxEvents; i++) {
      const h = this.#held[i]!;
      const prev = run[run.length - 1]!;
      const ttl = ttlOf(h);
      const size = eventSize(h.payload.length, h.signature?.length);
      if (h.seq !== prev.seq + 1n || h.state !== "queued") break;
      if ((h.signature === undefined) !== (first.signature === undefined)) break;
      if ((ttl === undefined) !== (firstTtl === undefined)) break;
      if (ttl !== undefined && Math.max(hi, ttl) - Math.min(lo, ttl) > this.#slack) break;
      if (messageSize(body + size) > maxMessage || !this.#windowAllows(h)) break;
      if (ttl !== undefined) [lo, hi] = [Math.min(lo, ttl), Math.max(hi, ttl)];
      body += size;
      run.push(h);
      this.#send(h, now);
    }
    return {
      stream: this.stream,
      firstSeq: first.seq,
      priority: this.priority,
      ttlMs: firstTtl === undefined ? 0 : lo,
      epoch: this.epoch,
      payloads: run.map((h) => h.payload),
      signatures: first.signature === undefined ? [] : run.map((h) => h.signature!),
    };
  }

  /** Accountings, then runs until the window, the limits or the queue stop them. */
  pollTransmit(now: number, limits: TransmitLimits = {}): Message[] {
    const maxMessage = limits.maxMessage ?? DEFAULT_MAX_MESSAGE;
    const out: Message[] = this.pollAccounting(now, maxMessage).map((accounting) => ({ type: "accounting", accounting }));
    let budget = limits.maxEvents ?? Infinity;
    for (let run = this.pollRun(now, maxMessage, budget); run; run = this.pollRun(now, maxMessage, budget)) {
      out.push({ type: "events", events: run });
      budget -= run.payloads.length;
    }
    return out;
  }

  // ---- internals ----

  /** Sequences never go back and never pass 2^64-1 [ID-5]. */
  #takeSeq(): bigint {
    if (this.#nextSeq > MAX_U64) throw new ProtocolError("INVALID_FIELD", "sequence would pass 2^64-1: start a new epoch", "local");
    return this.#nextSeq++;
  }

  /** An event already in flight is resent without new window; a new one needs room [FLOW-1]. */
  #windowAllows(h: Held): boolean {
    return this.#inFlight.has(h.seq) || this.window.allows(h.payload.length);
  }

  #send(h: Held, now: number): void {
    h.state = "sent";
    h.sentAt = now;
    h.sentOrder = this.#order++;
    if (!this.#inFlight.has(h.seq)) {
      this.#inFlight.set(h.seq, h.payload.length);
      this.window.take(h.payload.length);
    }
  }

  #insert(h: Held): void {
    let lo = 0;
    let hi = this.#held.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#held[mid]!.seq < h.seq) lo = mid + 1;
      else hi = mid;
    }
    this.#held.splice(lo, 0, h);
  }

  #indexOf(seq: bigint): number {
    let lo = 0;
    let hi = this.#held.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.#held[mid]!.seq;
      if (s === seq) return mid;
      if (s < seq) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }
}
