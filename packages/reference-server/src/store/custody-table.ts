/**
 * The per-stream custody summary on disk: a `streams` row with next_seq and
 * the `custody_ranges` above it. Read and written whole per stream: the
 * ranges are the stream's gaps, not its events, so they stay few.
 */
import type Database from "better-sqlite3";
import type { Reason, StreamAck, StreamKey } from "@ferry/protocol";
import { seqBlob, seqOf } from "./seq.js";
import { StreamCustody, type CoveredRange } from "./stream-custody.js";

export interface StoredStream {
  id: number;
  custody: StreamCustody;
}

interface RangeRow {
  first: Buffer;
  last: Buffer;
  reason: Reason | null;
}

export class CustodyTable {
  readonly #find: Database.Statement;
  readonly #create: Database.Statement;
  readonly #ranges: Database.Statement;
  readonly #setNext: Database.Statement;
  readonly #clearRanges: Database.Statement;
  readonly #addRange: Database.Statement;

  constructor(db: Database.Database) {
    this.#find = db.prepare("SELECT id, next_seq FROM streams WHERE device_id = ? AND epoch = ? AND stream = ?");
    this.#create = db.prepare("INSERT INTO streams (device_id, epoch, stream, next_seq) VALUES (?, ?, ?, ?)");
    this.#ranges = db.prepare("SELECT first, last, reason FROM custody_ranges WHERE stream_id = ? ORDER BY first");
    this.#setNext = db.prepare("UPDATE streams SET next_seq = ? WHERE id = ?");
    this.#clearRanges = db.prepare("DELETE FROM custody_ranges WHERE stream_id = ?");
    this.#addRange = db.prepare("INSERT INTO custody_ranges (stream_id, first, last, reason) VALUES (?, ?, ?, ?)");
  }

  find(deviceId: Uint8Array, key: StreamKey): StoredStream | undefined {
    const row = this.#find.get(deviceId, key.epoch, key.stream) as { id: number; next_seq: Buffer } | undefined;
    if (row === undefined) return undefined;
    const ranges = (this.#ranges.all(row.id) as RangeRow[]).map(
      (r): CoveredRange => ({ first: seqOf(r.first), last: seqOf(r.last), ...(r.reason ? { reason: r.reason } : {}) }),
    );
    return { id: row.id, custody: new StreamCustody(seqOf(row.next_seq), ranges) };
  }

  /** The stream's row, created with next_seq 0 when the store has never seen it. */
  findOrCreate(deviceId: Uint8Array, key: StreamKey): StoredStream {
    const found = this.find(deviceId, key);
    if (found) return found;
    const id = Number(this.#create.run(deviceId, key.epoch, key.stream, seqBlob(0n)).lastInsertRowid);
    return { id, custody: new StreamCustody(0n, []) };
  }

  /** Writes back what an ingest changed. */
  save(stream: StoredStream): void {
    if (!stream.custody.changed) return;
    this.#setNext.run(seqBlob(stream.custody.nextSeq), stream.id);
    this.#clearRanges.run(stream.id);
    for (const r of stream.custody.ranges) {
      this.#addRange.run(stream.id, seqBlob(r.first), seqBlob(r.last), r.reason ?? null);
    }
  }

  /** The StreamAck of a stream; next_seq 0 and no ranges for one never seen [HS-4]. */
  ack(deviceId: Uint8Array, key: StreamKey): StreamAck {
    const found = this.find(deviceId, key);
    if (!found) return { stream: key.stream, epoch: key.epoch, nextSeq: 0n, received: [], accounted: [] };
    return found.custody.toStreamAck(key.stream, key.epoch);
  }
}
