/**
 * The live state of the outbox as records, for compaction: applied in
 * order to an empty index they rebuild the same state (the same custody,
 * held items in the same custody order, counters, server custody of
 * critical streams, tokens, commands), without the records that items
 * freed by the server's custody left behind.
 *
 * Order matters: streams first (custody, class and counters, in the order
 * they were first taken), then the server's custody of critical streams
 * (it frees nothing, nothing being held yet), then held events in custody
 * order, accountings, tokens, commands.
 */
import type { OutboxIndex } from "./outbox-index.js";
import type { HeldEvent, OutboxStream } from "./outbox-stream.js";
import { LOG_FORMAT_VERSION, type OutboxRecord, type StoredEvent } from "./records.js";

const stored = (e: HeldEvent): StoredEvent => ({
  seq: e.seq,
  payload: e.payload,
  ...(e.signature && { signature: e.signature }),
  ...(e.deadline !== undefined && { deadline: e.deadline }),
});

export function snapshotRecords(index: OutboxIndex): OutboxRecord[] {
  const out: OutboxRecord[] = [{ kind: "header", version: LOG_FORMAT_VERSION }];
  const streams: OutboxStream[] = [];
  for (const d of index.devices.values()) {
    for (const s of d.streams.values()) {
      streams.push(s);
      const key = { device: d.id, epoch: s.key.epoch, stream: s.key.stream, priority: s.priority };
      out.push({ kind: "stream", ...key, received: s.received.toArray(), accounted: s.accounted.toArray(), counters: { ...s.counters } });
    }
    if (d.endToEnd.size > 0) out.push({ kind: "server-custody", device: d.id, acks: [...d.endToEnd.values()] });
  }
  out.push(...heldEvents(streams));
  for (const s of streams) {
    const key = { device: s.device, epoch: s.key.epoch, stream: s.key.stream, priority: s.priority };
    // In held order: one record per stretch of the device's or the app's own.
    for (let i = 0; i < s.accountings.length; ) {
      const own = s.accountings[i]!.own;
      let j = i;
      while (j < s.accountings.length && s.accountings[j]!.own === own) j++;
      const ranges = s.accountings.slice(i, j).map((a) => ({ ...a.range }));
      out.push({ kind: "accounting", ...key, restored: true, own, ranges });
      i = j;
    }
  }
  for (const t of index.tokens.values()) out.push({ kind: "token", ...t });
  for (const d of index.devices.values()) {
    for (const c of d.commands.held.values()) out.push({ kind: "command", device: d.id, ...c });
    const settled = [...d.commands.outcomes.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [id, o] of settled) out.push({ kind: "command-outcome", device: d.id, ids: [id], ...o });
  }
  return out;
}

/** Held events in custody order, consecutive events of one stream in one record. */
function heldEvents(streams: OutboxStream[]): OutboxRecord[] {
  const all = streams.flatMap((s) => s.events.map((e) => ({ s, e }))).sort((a, b) => a.e.arrival - b.e.arrival);
  const out: OutboxRecord[] = [];
  let current: { s: OutboxStream; events: StoredEvent[] } | undefined;
  const flush = () => {
    if (!current) return;
    const { s, events } = current;
    out.push({ kind: "events", device: s.device, epoch: s.key.epoch, stream: s.key.stream, priority: s.priority, restored: true, events });
  };
  for (const { s, e } of all) {
    if (current?.s !== s) {
      flush();
      current = { s, events: [] };
    }
    current.events.push(stored(e));
  }
  flush();
  return out;
}

/** A rough size of the live state, to tell the dead share of the log: held payloads and a little per item. */
export function liveBytesEstimate(index: OutboxIndex): number {
  let n = 64;
  for (const d of index.devices.values()) {
    n += 64 + d.endToEnd.size * 48;
    for (const s of d.streams.values()) {
      n += 96 + s.accountings.length * 24;
      for (const e of s.events) n += 24 + e.payload.length + (e.signature?.length ?? 0);
    }
    for (const c of d.commands.held.values()) n += 32 + c.payload.length;
  }
  for (const t of index.tokens.values()) n += 32 + t.server.length + t.token.length;
  return n;
}
