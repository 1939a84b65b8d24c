/**
 * Taking a device's events and accountings into custody, as records: what
 * is new, what is a duplicate [ACK-7] or a conflict [ACK-8], and, when the
 * outbox is full, the overflow policy drop-lowest-oldest with each drop
 * accounted [PRIO-10] [PRIO-11] [PRIO-12]. Sans-IO: records go to `emit`,
 * which appends and applies each one, so every decision sees the state the
 * previous records made.
 */
import { overflowVictim, ProtocolError, type Accounting, type AccountedRange, type EventRun, type Priority, type StreamRef } from "@ferry/protocol";
import type { OutboxIndex } from "./outbox-index.js";
import type { OutboxStream } from "./outbox-stream.js";
import type { OutboxRecord, StoredEvent } from "./records.js";
import { expiredRanges } from "./send-order.js";

export interface TakeResult {
  /** Events new to the app's custody, stored. */
  stored: number;
  /** Events and accounted sequences the custody already covered [ACK-7]. */
  duplicates: number;
  /** Identities held with another payload: answer SEQUENCE_CONFLICT (31) [ACK-8]. */
  conflicts: StreamRef[];
  /** New critical events: raise a local notification for each [LIFE-8]. */
  critical: StreamRef[];
  /** The app's own accountings this take made, of any device: expiries and drops of a full outbox [PRIO-10]. */
  accounted: { device: Uint8Array; accounting: Accounting }[];
}

export interface TakeContext {
  index: OutboxIndex;
  device: Uint8Array;
  now: number;
  capacity: number;
  /** Class of each stream, from DeviceInfo.streams, for accountings of streams with no event yet. */
  classes?: ReadonlyMap<number, Priority>;
  emit: (rec: OutboxRecord) => void;
  /** Set once the full outbox discarded its expired events in this take [PRIO-10]. */
  expiryDone?: boolean;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

export function checkTake(device: Uint8Array, runs: readonly EventRun[], accountings: readonly Accounting[], index: OutboxIndex): void {
  if (device.length < 1 || device.length > 16) throw new ProtocolError("INVALID_FIELD", `device id of ${device.length} bytes [ID-3]`, "local");
  for (const k of [...runs, ...accountings]) {
    // [ENV-4] the caller resolves epoch 0 to DeviceInfo.epoch: the app stores under the explicit epoch.
    if (k.epoch === 0) throw new ProtocolError("INVALID_FIELD", `stream ${k.stream}: epoch 0 must be resolved to DeviceInfo.epoch before take [ENV-4]`, "local");
  }
  for (const r of runs) {
    if (r.signatures.length !== 0 && r.signatures.length !== r.payloads.length) {
      throw new ProtocolError("INVALID_FIELD", `stream ${r.stream}: ${r.signatures.length} signatures for ${r.payloads.length} events [SEC-8]`);
    }
    const known = index.findStream(device, r);
    if (known && known.priority !== r.priority) {
      throw new ProtocolError("INVALID_FIELD", `stream ${r.stream} is ${known.priority}, run says ${r.priority} [PRIO-2]`);
    }
  }
}

export function take(ctx: TakeContext, runs: readonly EventRun[], accountings: readonly Accounting[]): TakeResult {
  const result: TakeResult = { stored: 0, duplicates: 0, conflicts: [], critical: [], accounted: [] };
  for (const run of runs) takeRun(ctx, run, result);
  for (const a of accountings) {
    const priority = ctx.index.findStream(ctx.device, a)?.priority ?? ctx.classes?.get(a.stream) ?? runs.find((r) => r.stream === a.stream)?.priority ?? "bulk";
    const s = ctx.index.stream(ctx.device, a, priority);
    const fresh: AccountedRange[] = [];
    for (const r of a.ranges) {
      const gaps = s.uncovered(r.first, r.last);
      for (const g of gaps) fresh.push({ ...g, reason: r.reason });
      result.duplicates += Number(r.last - r.first + 1n - gaps.reduce((n, g) => n + g.last - g.first + 1n, 0n));
    }
    if (fresh.length > 0) ctx.emit({ kind: "accounting", device: ctx.device, epoch: a.epoch, stream: a.stream, priority, restored: false, own: false, ranges: fresh });
  }
  return result;
}

function takeRun(ctx: TakeContext, run: EventRun, result: TakeResult): void {
  const key = { device: ctx.device, epoch: run.epoch, stream: run.stream, priority: run.priority };
  const deadline = run.ttlMs === 0 ? undefined : Math.floor(ctx.now) + run.ttlMs; // [PRIO-7]
  let batch: StoredEvent[] = [];
  const flush = () => {
    if (batch.length > 0) ctx.emit({ kind: "events", ...key, restored: false, events: batch });
    batch = [];
  };
  run.payloads.forEach((payload, i) => {
    const seq = run.firstSeq + BigInt(i);
    const s = ctx.index.findStream(ctx.device, run);
    const held = s?.event(seq)?.payload; // a run's own sequences are distinct, so the batch holds no duplicate
    if (held !== undefined || s?.covers(seq)) {
      if (held !== undefined && !sameBytes(held, payload)) result.conflicts.push({ stream: run.stream, epoch: run.epoch, seq });
      else result.duplicates++;
      return;
    }
    if (ctx.index.heldEvents + batch.length >= ctx.capacity) {
      flush();
      if (!makeRoom(ctx, run.priority, result)) {
        // [PRIO-10] nothing of its class or lower to drop: the new event itself goes, accounted.
        accountOwn(ctx, ctx.index.stream(ctx.device, run, run.priority), [{ first: seq, last: seq, reason: "overflow" }], result);
        return;
      }
    }
    const signature = run.signatures[i];
    batch.push({ seq, payload, ...(signature && { signature }), ...(deadline !== undefined && { deadline }) });
    result.stored++;
    if (run.priority === "critical") result.critical.push({ stream: run.stream, epoch: run.epoch, seq });
  });
  flush();
}

/** [PRIO-10] Expired events first, then the oldest of the lowest class <= `incoming`; false if none. */
function makeRoom(ctx: TakeContext, incoming: Priority, result: TakeResult): boolean {
  const streams = (): OutboxStream[] => [...ctx.index.devices.values()].flatMap((d) => [...d.streams.values()]);
  // Once per take: the clock does not move within it, and what it stores expires later.
  if (!ctx.expiryDone) {
    ctx.expiryDone = true;
    for (const s of streams()) {
      const expired = expiredRanges(s, ctx.now, true);
      if (expired.length > 0) accountOwn(ctx, s, expired.map((r) => ({ ...r, reason: "expired" })), result);
    }
  }
  while (ctx.index.heldEvents >= ctx.capacity) {
    // The oldest event of each stream is enough: the victim is the oldest of its class [PRIO-10].
    const candidates = streams().flatMap((s) => {
      const oldest = s.oldest();
      return oldest ? [{ s, seq: oldest.seq, arrival: oldest.arrival, priority: s.priority }] : [];
    });
    const victim = overflowVictim(candidates, incoming);
    if (!victim) return false;
    accountOwn(ctx, victim.s, [{ first: victim.seq, last: victim.seq, reason: "overflow" }], result);
  }
  return true;
}

function accountOwn(ctx: TakeContext, s: OutboxStream, ranges: AccountedRange[], result: TakeResult): void {
  ctx.emit({ kind: "accounting", device: s.device, epoch: s.key.epoch, stream: s.key.stream, priority: s.priority, restored: false, own: true, ranges });
  result.accounted.push({ device: s.device, accounting: { stream: s.key.stream, epoch: s.key.epoch, ranges } });
}
