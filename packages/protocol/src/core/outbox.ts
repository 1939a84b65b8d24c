/**
 * A hop's send buffer across streams: the device's flash, the app's disk
 * outbox. It owns one StreamSender per stream of one epoch, the connection's
 * window, the capacity with its overflow policy, and the send order.
 *
 * - Capacity counts events in custody, whatever their state; accountings
 *   are ranges and do not count [PRIO-9].
 * - When full: discard expired events first (EXPIRED), then drop by
 *   drop-lowest-oldest (OVERFLOW) [PRIO-10]; see overflow.ts.
 * - Send order: accountings first (they unblock in-order delivery
 *   downstream and cost no window), then runs by class, critical first,
 *   oldest first, each stream in sequence order. The order is
 *   strict: when the window stops the first choice, nothing of a lower
 *   class overtakes it.
 * - After resume() everything unacked is sent again, critical first.
 */
import { ProtocolError } from "../errors.js";
import type { Ack, AccountedRange, Message, Priority, Reason, StreamAck, Window } from "../message.js";
import { CLASS_RANK, overflowVictim } from "./overflow.js";
import { DEFAULT_MAX_MESSAGE, StreamSender, type AckOutcome, type TransmitLimits } from "./stream-sender.js";
import { SendWindow } from "./window.js";

export interface OutboxStreamOptions {
  stream: number;
  priority: Priority;
  /** Default time to live of the stream's events (DeviceInfo.streams ttl_ms); 0: none. */
  ttlMs?: number;
  /** Free only on END_TO_END acks; default: critical streams [ACK-14]. */
  endToEnd?: boolean;
}

export interface OutboxOptions {
  epoch: number;
  /** Events held at most, across streams (DeviceInfo.buffer_capacity) [PRIO-9]. */
  capacity: number;
  streams: OutboxStreamOptions[];
  /** The grant before any handshake [FLOW-2]; default unlimited. */
  window?: Window;
  retransmitTimeoutMs?: number;
  ttlSlackMs?: number;
}

/** An event that left the buffer without delivery, and why. */
export interface Drop {
  stream: number;
  seq: bigint;
  reason: Reason;
}

export interface EnqueueResult {
  seq: bigint;
  /** Expired events discarded and events dropped to make room, maybe the new one itself. */
  dropped: Drop[];
}

export class Outbox {
  readonly epoch: number;
  readonly capacity: number;
  readonly window: SendWindow;
  readonly #senders = new Map<number, StreamSender>();
  readonly #ttl = new Map<number, number>();
  #arrivals = 0;

  constructor(options: OutboxOptions) {
    this.epoch = options.epoch;
    this.capacity = options.capacity;
    this.window = new SendWindow(options.window);
    for (const s of options.streams) {
      this.#ttl.set(s.stream, s.ttlMs ?? 0);
      this.#senders.set(
        s.stream,
        new StreamSender({
          stream: s.stream,
          epoch: options.epoch,
          priority: s.priority,
          endToEnd: s.endToEnd ?? s.priority === "critical",
          window: this.window,
          retransmitTimeoutMs: options.retransmitTimeoutMs,
          ttlSlackMs: options.ttlSlackMs,
        }),
      );
    }
  }

  sender(stream: number): StreamSender {
    const s = this.#senders.get(stream);
    if (!s) throw new ProtocolError("INVALID_FIELD", `stream ${stream} is not declared`, "local");
    return s;
  }

  get senders(): StreamSender[] {
    return [...this.#senders.values()];
  }

  /** Events in custody across streams; never above capacity. */
  get size(): number {
    return this.senders.reduce((n, s) => n + s.size, 0);
  }

  /** Nothing held: every event and accounting acknowledged. */
  get isSettled(): boolean {
    return this.senders.every((s) => s.isSettled);
  }

  /** A producer's new event (device side), with the stream's TTL unless given. */
  enqueue(stream: number, payload: Uint8Array, now: number, options: { ttlMs?: number; signature?: Uint8Array } = {}): EnqueueResult {
    const s = this.sender(stream);
    const dropped = this.#makeRoom(s.priority, now);
    if (this.size >= this.capacity) {
      const seq = s.accountNext("overflow");
      return { seq, dropped: [...dropped, { stream, seq, reason: "overflow" }] };
    }
    const ttlMs = options.ttlMs ?? this.#ttl.get(stream);
    const seq = s.enqueue(payload, now, { ttlMs, signature: options.signature, arrival: this.#arrivals++ });
    return { seq, dropped };
  }

  /** A relaying hop's event taken from upstream, under the same policy; false if already held. */
  accept(stream: number, seq: bigint, payload: Uint8Array, now: number, options: { deadline?: number; signature?: Uint8Array } = {}): { accepted: boolean; dropped: Drop[] } {
    const s = this.sender(stream);
    const dropped = this.#makeRoom(s.priority, now);
    if (this.size >= this.capacity) {
      s.acceptAccounting({ first: seq, last: seq, reason: "overflow" });
      return { accepted: true, dropped: [...dropped, { stream, seq, reason: "overflow" }] };
    }
    return { accepted: s.accept(seq, payload, now, { ...options, arrival: this.#arrivals++ }), dropped };
  }

  acceptAccounting(stream: number, range: AccountedRange): AccountedRange[] {
    return this.sender(stream).acceptAccounting(range);
  }

  /** An Ack from the next hop (or relayed end to end): custody and window [ACK-13] [FLOW-3]. */
  handleAck(ack: Ack, now: number): Map<number, AckOutcome> {
    if (ack.window) this.window.set(ack.window);
    const out = new Map<number, AckOutcome>();
    for (const sa of ack.streams) {
      const s = this.#senders.get(sa.stream);
      if (s && (sa.epoch === this.epoch || sa.epoch === 0)) out.set(sa.stream, s.handleAck(sa, now, ack.scope));
    }
    return out;
  }

  /**
   * A new connection: everything unacked is sendable again, then the peer's
   * custody from the handshake (Hello/Welcome custody) and its grant apply
   * [FLOW-2].
   */
  resume(now: number, custody: StreamAck[] = [], grant?: Window): void {
    for (const s of this.senders) s.resume();
    this.handleAck({ streams: custody, scope: "hop", commandsPending: 0, ...(grant && { window: grant }) }, now);
  }

  handleTimeout(now: number): void {
    for (const s of this.senders) s.handleTimeout(now);
  }

  pollTimeout(): number | undefined {
    const ts = this.senders.map((s) => s.pollTimeout()).filter((t): t is number => t !== undefined);
    return ts.length === 0 ? undefined : Math.min(...ts);
  }

  pollTransmit(now: number, limits: TransmitLimits = {}): Message[] {
    const maxMessage = limits.maxMessage ?? DEFAULT_MAX_MESSAGE;
    const out: Message[] = [];
    for (const s of this.senders) for (const accounting of s.pollAccounting(now, maxMessage)) out.push({ type: "accounting", accounting });
    let budget = limits.maxEvents ?? Infinity;
    for (let s = this.#nextToSend(); s && budget > 0; s = this.#nextToSend()) {
      const run = s.pollRun(now, maxMessage, budget);
      if (!run) break;
      out.push({ type: "events", events: run });
      budget -= run.payloads.length;
    }
    return out;
  }

  /** The stream whose first queued event goes next: highest class, then oldest. */
  #nextToSend(): StreamSender | undefined {
    let best: { s: StreamSender; arrival: number } | undefined;
    for (const s of this.senders) {
      const head = s.firstQueued();
      if (!head) continue;
      const better =
        best === undefined ||
        CLASS_RANK[s.priority] > CLASS_RANK[best.s.priority] ||
        (s.priority === best.s.priority && head.arrival < best.arrival);
      if (better) best = { s, arrival: head.arrival };
    }
    return best?.s;
  }

  /** When full: expired events go first, then one victim of drop-lowest-oldest if any [PRIO-10]. */
  #makeRoom(incoming: Priority, now: number): Drop[] {
    if (this.size < this.capacity) return [];
    const dropped: Drop[] = [];
    for (const s of this.senders) {
      for (const r of s.expire(now, true)) dropped.push({ stream: s.stream, seq: r.first, reason: "expired" });
    }
    if (this.size < this.capacity) return dropped;
    const heads = this.senders.flatMap((s) => {
      const o = s.oldest();
      return o ? [{ sender: s, seq: o.seq, priority: s.priority, arrival: o.arrival }] : [];
    });
    const victim = overflowVictim(heads, incoming);
    if (victim) {
      victim.sender.drop(victim.seq, "overflow");
      dropped.push({ stream: victim.sender.stream, seq: victim.seq, reason: "overflow" });
    }
    return dropped;
  }
}
