/**
 * The body of one ingest transaction: events and accountings of many
 * requests taken into custody, custody advanced, the delivery log appended.
 * Runs inside the transaction SqliteStore opens; any throw rolls it all back.
 *
 * Per event [ACK-7] [ACK-8]: not covered -> stored; covered by an event
 * with the same payload -> duplicate; with another payload -> conflict, the
 * stored event untouched; covered by an accounting -> duplicate of that
 * accounting, not stored. Per accounting: only its uncovered parts are
 * taken, so an event already held stays held [ACK-11]. Sequence spaces are
 * keyed by (device, epoch, stream) [ID-6]. The server's own rejections
 * (`rejected`) go in like accountings; each request's custody reports what
 * [ACK-22] asks below next_seq (accounted-report.ts).
 */
import type { AccountedRange, StreamKey, StreamRef } from "@ferry/protocol";
import type { AccountedTable } from "./accounted-table.js";
import { streamAckFor, type RequestTrace } from "./accounted-report.js";
import type { CustodyTable, StoredStream } from "./custody-table.js";
import type { DeliveryLog } from "./delivery-log.js";
import type { EventTable } from "./event-table.js";
import { handOff } from "./hand-off.js";
import { sameBytes } from "./seq.js";
import type { IngestOutcome, IngestRequest } from "./store.js";

export interface StoreTables {
  custody: CustodyTable;
  events: EventTable;
  accounted: AccountedTable;
  log: DeliveryLog;
}

/** The streams one transaction touches, each loaded once and written back once. */
class TouchedStreams {
  readonly #byKey = new Map<string, StoredStream>();

  constructor(readonly tables: StoreTables) {}

  get(deviceId: Uint8Array, key: StreamKey): StoredStream {
    const k = streamKey(deviceId, key);
    let s = this.#byKey.get(k);
    if (!s) {
      s = this.tables.custody.findOrCreate(deviceId, key);
      this.#byKey.set(k, s);
    }
    return s;
  }

  saveAll(): void {
    for (const s of this.#byKey.values()) this.tables.custody.save(s);
  }
}

function streamKey(deviceId: Uint8Array, key: StreamKey): string {
  return `${Buffer.from(deviceId).toString("hex")}/${key.epoch}/${key.stream}`;
}

export function ingestGroup(tables: StoreTables, requests: IngestRequest[]): IngestOutcome[] {
  const streams = new TouchedStreams(tables);
  const results = requests.map((r) => ingestOne(tables, streams, r));
  streams.saveAll();
  // Custody after the whole group, which is what the commit makes durable [ACK-2].
  return results.map(({ keys, deviceId, traces, ...counts }) => ({
    ...counts,
    custody: keys.map((k) => streamAckFor(tables.accounted, streams.get(deviceId, k), k, traces.get(streamKey(deviceId, k)))),
  }));
}

/**
 * Takes the uncovered parts of an accounted range into custody and records
 * them; returns those parts. Held events stay held [ACK-11]. The caller hands
 * off afterwards. Senders' accountings and the server's own (lost gaps
 * [ACK-21]) take this one path.
 */
export function takeAccounting(tables: StoreTables, s: StoredStream, range: AccountedRange): AccountedRange[] {
  const fresh = s.custody.addAccounting(range.first, range.last, range.reason);
  for (const f of fresh) tables.accounted.insert(s.id, f);
  return fresh;
}

function ingestOne(tables: StoreTables, streams: TouchedStreams, r: IngestRequest) {
  const keys: StreamKey[] = [];
  const traces = new Map<string, RequestTrace>();
  const touch = (key: StreamKey): StoredStream => {
    const k = streamKey(r.deviceId, key);
    if (!traces.has(k)) {
      traces.set(k, { carried: [], made: [] });
      keys.push({ stream: key.stream, epoch: key.epoch });
    }
    return streams.get(r.deviceId, key);
  };
  const trace = (key: StreamKey): RequestTrace => traces.get(streamKey(r.deviceId, key))!;
  let stored = 0;
  let duplicates = 0;
  const conflicts: StreamRef[] = [];

  for (const run of r.runs) {
    const s = touch(run);
    trace(run).carried.push({ first: run.firstSeq, last: run.firstSeq + BigInt(run.payloads.length) - 1n });
    // [PRIO-7] the deadline is arrival plus the run's ttl; 0 means none [PRIO-4].
    const expiresAtMs = run.ttlMs > 0 ? r.nowMs + run.ttlMs : undefined;
    run.payloads.forEach((payload, i) => {
      const seq = run.firstSeq + BigInt(i);
      const cover = s.custody.coverOf(seq);
      if (cover === undefined) {
        tables.events.insert({
          streamId: s.id,
          seq,
          priority: run.priority,
          payload,
          signature: run.signatures[i],
          receivedAtMs: r.nowMs,
          expiresAtMs,
        });
        s.custody.addEvent(seq);
        stored++;
        return;
      }
      // Covered by an accounting above next_seq: a duplicate of that accounting.
      const held = cover === "below" || cover === "received" ? tables.events.payload(s.id, seq) : undefined;
      if (held === undefined || sameBytes(held, payload)) duplicates++;
      else conflicts.push({ stream: run.stream, epoch: run.epoch, seq });
    });
  }

  for (const a of r.accountings) {
    const s = touch(a);
    for (const range of a.ranges) takeAccounting(tables, s, range);
  }
  // Events the server refused: accounted, and reported back like events [ACK-22].
  for (const a of r.rejected ?? []) {
    const s = touch(a);
    for (const range of a.ranges) {
      takeAccounting(tables, s, range);
      trace(a).carried.push({ first: range.first, last: range.last });
    }
  }

  // Hand-off order, with this request's arrival time as "now" [ACK-12] [PRIO-6].
  for (const key of keys) trace(key).made.push(...handOff(tables, streams.get(r.deviceId, key), r.nowMs));
  return { deviceId: r.deviceId, keys, traces, stored, duplicates, conflicts };
}
