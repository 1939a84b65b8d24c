/**
 * The per-stream custody summary on disk: a `streams` row with next_seq and
 * the `custody_ranges` above it. Read and written whole per stream: the
 * ranges are the stream's gaps, not its events, so they stay few.
 */
import type Database from "better-sqlite3";
import type { Reason, StreamAck, StreamKey } from "@ferry/protocol";
import { bytesOf, seqBlob, seqOf } from "./seq.js";
import { StreamCustody, type CoveredRange } from "./stream-custody.js";

export interface StoredStream {
  id: number;
  custody: StreamCustody;
}

/** A stream found by row id, with the identity its row names. */
export interface NamedStream extends StoredStream {
  deviceId: Uint8Array;
  key: StreamKey;
}

interface RangeRow {
  first: Buffer;
  last: Buffer;
  reason: Reason | null;
}

export class CustodyTable {
  readonly #find: Database.Statement;
  readonly #findById: Database.Statement;
  readonly #blocked: Database.Statement;
  readonly #create: Database.Statement;
  readonly #ranges: Database.Statement;
  readonly #setNext: Database.Statement;
  readonly #clearRanges: Database.Statement;
  readonly #addRange: Database.Statement;

  constructor(db: Database.Database) {
    this.#find = db.prepare("SELECT id, next_seq FROM streams WHERE device_id = ? AND epoch = ? AND stream = ?");
    this.#findById = db.prepare("SELECT device_id, epoch, stream, next_seq FROM streams WHERE id = ?");
    // Every range above next_seq means a gap at next_seq (after a hand-off no
    // range starts there), so custody_ranges holds blocked streams only and
    // this reads nothing when nothing is blocked. The lowest held event is
    // the lowest received range's first; one lookup in events' unique index.
    this.#blocked = db
      .prepare(
        `SELECT h.stream_id FROM
           (SELECT stream_id, min(first) AS first FROM custody_ranges WHERE reason IS NULL GROUP BY stream_id) h
         JOIN events e ON e.stream_id = h.stream_id AND e.seq = h.first
         WHERE e.received_at_ms <= ? ORDER BY h.stream_id`,
      )
      .pluck();
    this.#create = db.prepare("INSERT INTO streams (device_id, epoch, stream, next_seq) VALUES (?, ?, ?, ?)");
    this.#ranges = db.prepare("SELECT first, last, reason FROM custody_ranges WHERE stream_id = ? ORDER BY first");
    this.#setNext = db.prepare("UPDATE streams SET next_seq = ? WHERE id = ?");
    this.#clearRanges = db.prepare("DELETE FROM custody_ranges WHERE stream_id = ?");
    this.#addRange = db.prepare("INSERT INTO custody_ranges (stream_id, first, last, reason) VALUES (?, ?, ?, ?)");
  }

  find(deviceId: Uint8Array, key: StreamKey): StoredStream | undefined {
    const row = this.#find.get(deviceId, key.epoch, key.stream) as { id: number; next_seq: Buffer } | undefined;
    if (row === undefined) return undefined;
    return { id: row.id, custody: this.#custody(row.id, row.next_seq) };
  }

  findById(id: number): NamedStream | undefined {
    const row = this.#findById.get(id) as { device_id: Buffer; epoch: number; stream: number; next_seq: Buffer } | undefined;
    if (row === undefined) return undefined;
    return {
      id,
      deviceId: bytesOf(row.device_id),
      key: { stream: row.stream, epoch: row.epoch },
      custody: this.#custody(id, row.next_seq),
    };
  }

  /**
   * Ids of the streams held back behind a gap whose lowest event held above
   * next_seq was received at or before `cutoffMs`, ascending [ACK-21].
   */
  blockedSince(cutoffMs: number): number[] {
    return this.#blocked.all(cutoffMs) as number[];
  }

  /** The stream's row, created with next_seq 0 when the store has never seen it. */
  findOrCreate(deviceId: Uint8Array, key: StreamKey): StoredStream {
    const found = this.find(deviceId, key);
    if (found) return found;
    const id = Number(this.#create.run(deviceId, key.epoch, key.stream, seqBlob(0n)).lastInsertRowid);
    return { id, custody: new StreamCustody(0n, []) };
  }

  /** Writes back what an ingest (or a lost-gap sweep) changed. */
  save(stream: StoredStream): void {
    if (!stream.custody.changed) return;
    this.#setNext.run(seqBlob(stream.custody.nextSeq), stream.id);
    this.#clearRanges.run(stream.id);
    for (const r of stream.custody.ranges) {
      this.#addRange.run(stream.id, seqBlob(r.first), seqBlob(r.last), r.reason ?? null);
    }
  }

  #custody(id: number, nextSeq: Buffer): StreamCustody {
    const ranges = (this.#ranges.all(id) as RangeRow[]).map(
      (r): CoveredRange => ({ first: seqOf(r.first), last: seqOf(r.last), ...(r.reason ? { reason: r.reason } : {}) }),
    );
    return new StreamCustody(seqOf(nextSeq), ranges);
  }

  /** The StreamAck of a stream; next_seq 0 and no ranges for one never seen [HS-4]. */
  ack(deviceId: Uint8Array, key: StreamKey): StreamAck {
    const found = this.find(deviceId, key);
    if (!found) return { stream: key.stream, epoch: key.epoch, nextSeq: 0n, received: [], accounted: [] };
    return found.custody.toStreamAck(key.stream, key.epoch);
  }
}
