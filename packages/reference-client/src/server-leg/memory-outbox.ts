/**
 * An outbox in memory: a LegSource for tests and the e2e client. It is not
 * the app's outbox (that one lives on disk [ACK-2]); it keeps the same
 * rules, so the leg cannot tell them apart:
 *
 * - custody: an item stays until a server StreamAck covers it [ACK-1];
 * - order: accountings first, then events by class, critical first, oldest
 *   first, each stream in sequence order; when the window stops the first
 *   choice nothing of a lower class overtakes it [PRIO-3];
 * - expiry: an event whose deadline passed before it was sent becomes an
 *   EXPIRED accounting [PRIO-6]; a run carries the smallest TTL left [ENV-6];
 * - handing: each item once per connection, until rewind or requeue.
 */
import type { AccountedRange, Message, Priority, Range, Scope, StreamAck, StreamKey } from "@ferry/protocol";
import { covers, coversRange } from "./coverage.js";
import { keyOf, type LegSource, type SendLimits } from "./source.js";

interface HeldEvent {
  seq: bigint;
  payload: Uint8Array;
  deadline: number | undefined;
  arrival: number;
  handed: boolean;
}

interface HeldAccounting {
  range: AccountedRange;
  handed: boolean;
}

interface StreamBuffer {
  key: StreamKey;
  priority: Priority;
  /** Ascending by seq. */
  events: HeldEvent[];
  accountings: HeldAccounting[];
}

const RANK: Record<Priority, number> = { bulk: 0, realtime: 1, critical: 2 };
/** Message tag + length, and every EventRun field but payloads, at their largest. */
const RUN_OVERHEAD = 4 + 6 + 11 + 2 + 6 + 6;
/** Tag + length varint of one payload, for payloads under 2 MiB. */
const PER_EVENT = 4;
const PER_RANGE = 2 + 11 + 11 + 2;

export class MemoryOutbox implements LegSource {
  readonly #streams = new Map<string, StreamBuffer>();
  #arrivals = 0;

  /** Takes an event into custody; `ttlMs` (0 or absent: none) starts its deadline now [PRIO-5]. */
  add(key: StreamKey, priority: Priority, seq: bigint, payload: Uint8Array, now = 0, ttlMs = 0): void {
    const s = this.#stream(key, priority);
    const e: HeldEvent = { seq, payload, deadline: ttlMs > 0 ? now + ttlMs : undefined, arrival: this.#arrivals++, handed: false };
    const last = s.events[s.events.length - 1];
    if (!last || last.seq < seq) return void s.events.push(e);
    const at = s.events.findIndex((x) => x.seq >= seq);
    if (s.events[at]?.seq === seq) return; // already held: identities are idempotent
    s.events.splice(at, 0, e);
  }

  /** Takes an accounting into custody [ACK-11] [ACK-19]. */
  addAccounting(key: StreamKey, range: AccountedRange, priority: Priority = "bulk"): void {
    this.#stream(key, priority).accountings.push({ range: { ...range }, handed: false });
  }

  /** Events held across streams. */
  get size(): number {
    let n = 0;
    for (const s of this.#streams.values()) n += s.events.length;
    return n;
  }

  /** Nothing held: every event and accounting covered by the server. */
  get isEmpty(): boolean {
    for (const s of this.#streams.values()) if (s.events.length > 0 || s.accountings.length > 0) return false;
    return true;
  }

  /** Sequences of a stream still held. */
  held(key: StreamKey): bigint[] {
    return this.#streams.get(keyOf(key))?.events.map((e) => e.seq) ?? [];
  }

  pending(): StreamKey[] {
    return [...this.#streams.values()].filter((s) => s.events.length > 0 || s.accountings.length > 0).map((s) => ({ ...s.key }));
  }

  rewind(): void {
    for (const s of this.#streams.values()) {
      for (const e of s.events) e.handed = false;
      for (const a of s.accountings) a.handed = false;
    }
  }

  requeue(key: StreamKey, ranges: Range[]): void {
    const s = this.#streams.get(keyOf(key));
    if (!s) return;
    const within = (seq: bigint) => ranges.some((r) => r.first <= seq && seq <= r.last);
    for (const e of s.events) if (within(e.seq)) e.handed = false;
    for (const a of s.accountings) if (ranges.some((r) => r.first <= a.range.last && a.range.first <= r.last)) a.handed = false;
  }

  acknowledge(custody: StreamAck[], _scope: Scope, _now: number): void {
    for (const sa of custody) {
      const s = this.#streams.get(keyOf(sa));
      if (!s) continue;
      s.events = s.events.filter((e) => !covers(sa, e.seq));
      s.accountings = s.accountings.filter((a) => !coversRange(sa, a.range));
    }
  }

  next(limits: SendLimits, now: number): Message | undefined {
    this.#expire(now);
    const accounting = this.#nextAccounting(limits.maxMessage);
    if (accounting) return accounting;
    const s = this.#nextStream();
    if (!s) return undefined;
    return this.#run(s, limits, now);
  }

  /** [PRIO-6] Queued events past their deadline leave as EXPIRED accountings. */
  #expire(now: number): void {
    for (const s of this.#streams.values()) {
      const expired = s.events.filter((e) => !e.handed && e.deadline !== undefined && now >= e.deadline);
      if (expired.length === 0) continue;
      s.events = s.events.filter((e) => !expired.includes(e));
      for (const e of expired) s.accountings.push({ range: { first: e.seq, last: e.seq, reason: "expired" }, handed: false });
    }
  }

  #nextAccounting(maxMessage: number): Message | undefined {
    for (const s of this.#streams.values()) {
      const ranges: AccountedRange[] = [];
      let size = RUN_OVERHEAD;
      for (const a of s.accountings) {
        if (a.handed || size + PER_RANGE > maxMessage) continue;
        a.handed = true;
        ranges.push({ ...a.range });
        size += PER_RANGE;
      }
      if (ranges.length > 0) return { type: "accounting", accounting: { stream: s.key.stream, epoch: s.key.epoch, ranges } };
    }
    return undefined;
  }

  /** The stream whose first unhanded event goes next: highest class, then oldest. */
  #nextStream(): StreamBuffer | undefined {
    let best: { s: StreamBuffer; arrival: number } | undefined;
    for (const s of this.#streams.values()) {
      const head = s.events.find((e) => !e.handed);
      if (!head) continue;
      if (!best || RANK[s.priority] > RANK[best.s.priority] || (s.priority === best.s.priority && head.arrival < best.arrival)) {
        best = { s, arrival: head.arrival };
      }
    }
    return best?.s;
  }

  /** Consecutive unhanded events of `s` within the limits; none if the first does not fit (no overtaking). */
  #run(s: StreamBuffer, limits: SendLimits, now: number): Message | undefined {
    const start = s.events.findIndex((e) => !e.handed);
    const taken: HeldEvent[] = [];
    let bytes = 0;
    let size = RUN_OVERHEAD;
    for (let i = start; i < s.events.length && taken.length < limits.events; i++) {
      const e = s.events[i]!;
      const prev = taken[taken.length - 1];
      if (e.handed || (prev && e.seq !== prev.seq + 1n)) break;
      const fitsWindow = bytes + e.payload.length <= limits.bytes || (taken.length === 0 && limits.mayExceedBytes);
      if (!fitsWindow || size + PER_EVENT + e.payload.length > limits.maxMessage) break;
      taken.push(e);
      bytes += e.payload.length;
      size += PER_EVENT + e.payload.length;
    }
    const first = taken[0];
    if (!first) return undefined;
    for (const e of taken) e.handed = true;
    const deadlines = taken.map((e) => e.deadline).filter((d): d is number => d !== undefined);
    const ttlMs = deadlines.length === 0 ? 0 : Math.max(1, Math.floor(Math.min(...deadlines) - now));
    return {
      type: "events",
      events: { stream: s.key.stream, firstSeq: first.seq, priority: s.priority, ttlMs, epoch: s.key.epoch, payloads: taken.map((e) => e.payload), signatures: [] },
    };
  }

  #stream(key: StreamKey, priority: Priority): StreamBuffer {
    const id = keyOf(key);
    let s = this.#streams.get(id);
    if (!s) this.#streams.set(id, (s = { key: { stream: key.stream, epoch: key.epoch }, priority, events: [], accountings: [] }));
    return s;
  }
}
