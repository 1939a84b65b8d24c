/**
 * The outbox's state in memory, rebuilt on open by applying the log's
 * records in order, and kept current by applying each record as it is
 * appended: one code path for both, so what a restart finds is what the
 * running app had (event sourcing). Sans-IO: no storage, no clock.
 *
 * Custody not yet durable is tracked by log position, so the custody the
 * app shows a device never covers what a crash could still lose [ACK-2].
 */
import { RangeSet, type Priority, type Range, type StreamAck, type StreamKey } from "@ferry/protocol";
import { covers, coversRange } from "../server-leg/coverage.js";
import { keyOf } from "../server-leg/source.js";
import { HeldCommands } from "./held-commands.js";
import { OutboxStream } from "./outbox-stream.js";
import type { OutboxRecord } from "./records.js";

export const hexOf = (id: Uint8Array): string => Buffer.from(id).toString("hex");

export interface OutboxDevice {
  id: Uint8Array;
  /** Insertion order is the order streams were first taken. */
  streams: Map<string, OutboxStream>;
  /** The server's custody of each critical stream, to relay to the device [ACK-14]. */
  endToEnd: Map<string, StreamAck>;
  commands: HeldCommands;
}

interface PendingCustody {
  position: number;
  stream: OutboxStream;
  received: Range[];
  accounted: Range[];
}

/** What applying a record changed that the caller acts on. */
export interface Applied {
  /** Critical streams whose server custody advanced: relay to the device [ACK-14]. */
  endToEnd: StreamAck[];
}

export class OutboxIndex {
  readonly devices = new Map<string, OutboxDevice>();
  /** Resume tokens by server and device [HS-5]. */
  readonly tokens = new Map<string, { server: string; device: Uint8Array; token: Uint8Array }>();
  #arrival = 0;
  #pending: PendingCustody[] = [];

  /** Events held across every device: what the capacity bounds [PRIO-12]. */
  get heldEvents(): number {
    let n = 0;
    for (const d of this.devices.values()) for (const s of d.streams.values()) n += s.events.length;
    return n;
  }

  device(id: Uint8Array): OutboxDevice {
    const hex = hexOf(id);
    let d = this.devices.get(hex);
    if (!d) this.devices.set(hex, (d = { id: id.slice(), streams: new Map(), endToEnd: new Map(), commands: new HeldCommands() }));
    return d;
  }

  stream(device: Uint8Array, key: StreamKey, priority: Priority): OutboxStream {
    const d = this.device(device);
    const k = keyOf(key);
    let s = d.streams.get(k);
    if (!s) d.streams.set(k, (s = new OutboxStream(d.id, key, priority)));
    return s;
  }

  findStream(device: Uint8Array, key: StreamKey): OutboxStream | undefined {
    return this.devices.get(hexOf(device))?.streams.get(keyOf(key));
  }

  /** Applies one record; `position` is its place in the log (0: already durable, as on open). */
  apply(rec: OutboxRecord, position = 0): Applied {
    const applied: Applied = { endToEnd: [] };
    switch (rec.kind) {
      case "header":
        break;
      case "stream": {
        const s = this.stream(rec.device, rec, rec.priority);
        s.received.addAll(rec.received);
        for (const a of rec.accounted) s.accounted.add(a.first, a.last, a.reason);
        Object.assign(s.counters, rec.counters);
        break;
      }
      case "events": {
        const s = this.stream(rec.device, rec, rec.priority);
        const fresh = new RangeSet();
        for (const e of rec.events) {
          if (!rec.restored && s.covers(e.seq)) continue; // a duplicate [ACK-7]
          if (!s.hold({ ...e, arrival: this.#arrival++, handed: false })) continue;
          if (!rec.restored) fresh.add(e.seq);
        }
        s.received.addAll(fresh);
        s.counters.taken += Number(fresh.size);
        this.#track(position, s, fresh.toArray(), []);
        break;
      }
      case "accounting":
        this.#applyAccounting(rec, position);
        break;
      case "server-custody":
        applied.endToEnd = this.#applyServerCustody(rec.device, rec.acks);
        break;
      case "token":
        this.tokens.set(`${rec.server}\u0000${hexOf(rec.device)}`, { server: rec.server, device: rec.device.slice(), token: rec.token.slice() });
        break;
      case "command":
        this.device(rec.device).commands.hold({ id: rec.id, payload: rec.payload, ...(rec.deadline !== undefined && { deadline: rec.deadline }) });
        break;
      case "command-outcome":
        this.device(rec.device).commands.settle(rec.ids, { outcome: rec.outcome, scope: rec.scope });
        break;
    }
    return applied;
  }

  #applyAccounting(rec: Extract<OutboxRecord, { kind: "accounting" }>, position: number): void {
    const s = this.stream(rec.device, rec, rec.priority);
    if (rec.restored) {
      for (const range of rec.ranges) s.accountings.push({ range: { ...range }, own: rec.own, handed: false });
      return;
    }
    if (rec.own) {
      // [PRIO-6] [PRIO-10] The app's own: the events it replaces leave, the accounting is held [ACK-19].
      s.release(rec.ranges);
      const fresh = new RangeSet();
      for (const r of rec.ranges) fresh.addAll(s.received.gaps(r.first, r.last));
      s.received.addAll(fresh);
      s.counters.taken += Number(fresh.size);
      const n = rec.ranges.reduce((k, r) => k + Number(r.last - r.first + 1n), 0);
      if (rec.ranges[0]?.reason === "expired") s.counters.expired += n;
      else s.counters.dropped += n;
      for (const range of rec.ranges) s.accountings.push({ range: { ...range }, own: true, handed: false });
      this.#track(position, s, fresh.toArray(), []);
      return;
    }
    // [ACK-11] taken from the device: only what custody does not cover yet.
    const fresh: Range[] = [];
    for (const r of rec.ranges) {
      for (const gap of s.uncovered(r.first, r.last)) {
        s.accounted.add(gap.first, gap.last, r.reason);
        s.accountings.push({ range: { ...gap, reason: r.reason }, own: false, handed: false });
        fresh.push(gap);
      }
    }
    this.#track(position, s, [], fresh);
  }

  #applyServerCustody(device: Uint8Array, acks: readonly StreamAck[]): StreamAck[] {
    const d = this.device(device);
    const relay: StreamAck[] = [];
    for (const sa of acks) {
      const s = d.streams.get(keyOf(sa));
      if (!s) continue;
      const before = s.events.length;
      s.events = s.events.filter((e) => !covers(sa, e.seq));
      s.counters.forwarded += before - s.events.length;
      // An accounting the custody covers in part keeps only the uncovered part.
      const covered = RangeSet.of([...(sa.nextSeq > 0n ? [{ first: 0n, last: sa.nextSeq - 1n }] : []), ...sa.received, ...sa.accounted]);
      s.accountings = s.accountings.flatMap((a) => {
        if (coversRange(sa, a.range)) return [];
        if (!covered.overlaps(a.range.first, a.range.last)) return [a];
        return covered.gaps(a.range.first, a.range.last).map((g) => ({ ...a, range: { ...g, reason: a.range.reason } }));
      });
      if (s.priority !== "critical") continue;
      // [ACK-14] [ACK-5] keep the server's latest custody, never a regression.
      const known = d.endToEnd.get(keyOf(sa));
      if (known && known.nextSeq > sa.nextSeq) continue;
      const copy = structuredClone(sa);
      d.endToEnd.set(keyOf(sa), copy);
      relay.push(copy);
    }
    return relay;
  }

  #track(position: number, stream: OutboxStream, received: Range[], accounted: Range[]): void {
    if (position > 0 && (received.length > 0 || accounted.length > 0)) this.#pending.push({ position, stream, received, accounted });
  }

  /** Records up to `position` are durable: their custody may be shown. */
  durableUpTo(position: number): void {
    this.#pending = this.#pending.filter((p) => p.position > position);
  }

  /** The app's durable custody of each stream of a device [DHS-3], optionally of one epoch. */
  custody(device: Uint8Array, epoch?: number): StreamAck[] {
    const d = this.devices.get(hexOf(device));
    if (!d) return [];
    const out: StreamAck[] = [];
    for (const s of d.streams.values()) {
      if (epoch !== undefined && s.key.epoch !== epoch) continue;
      const mine = this.#pending.filter((p) => p.stream === s);
      const pending = { received: RangeSet.of(mine.flatMap((p) => p.received)), accounted: RangeSet.of(mine.flatMap((p) => p.accounted)) };
      const ack = s.custody(mine.length > 0 ? pending : undefined);
      if (ack.nextSeq > 0n || ack.received.length > 0 || ack.accounted.length > 0) out.push(ack);
    }
    return out;
  }
}
