/**
 * The delivery log: the order in which the vendor's application receives
 * events and accounted ranges [ACK-12] [LIFE-12]. An entry is appended when
 * custody's next_seq passes it, that is once every lower seq of its stream is
 * in the log, so reading the log by position gives each stream exactly once
 * and in sequence order. Positions come from AUTOINCREMENT: increasing and
 * never reused, so a reader's cursor stays valid across restarts.
 */
import type Database from "better-sqlite3";
import type { Priority, Reason } from "@ferry/protocol";
import type { Delivery } from "./store.js";
import { bytesOf, seqBlob, seqOf } from "./seq.js";

interface Row {
  position: number;
  device_id: Buffer;
  epoch: number;
  stream: number;
  first: Buffer;
  last: Buffer;
  reason: Reason | null;
  priority: Priority | null;
  payload: Buffer | null;
  received_at_ms: number | null;
  expires_at_ms: number | null;
}

export class DeliveryLog {
  readonly #append: Database.Statement;
  readonly #read: Database.Statement;

  constructor(db: Database.Database) {
    this.#append = db.prepare("INSERT INTO deliveries (stream_id, first, last, reason) VALUES (?, ?, ?, ?)");
    this.#read = db.prepare(
      `SELECT d.position, s.device_id, s.epoch, s.stream, d.first, d.last, d.reason,
              e.priority, e.payload, e.received_at_ms, e.expires_at_ms
       FROM deliveries d
       JOIN streams s ON s.id = d.stream_id
       LEFT JOIN events e ON d.reason IS NULL AND e.stream_id = d.stream_id AND e.seq = d.first
       WHERE d.position > ? ORDER BY d.position LIMIT ?`,
    );
  }

  appendEvent(streamId: number, seq: bigint): void {
    const s = seqBlob(seq);
    this.#append.run(streamId, s, s, null);
  }

  appendAccounted(streamId: number, first: bigint, last: bigint, reason: Reason): void {
    this.#append.run(streamId, seqBlob(first), seqBlob(last), reason);
  }

  read(cursor: bigint, limit: number): Delivery[] {
    const rows = this.#read.all(cursor, Math.max(0, Math.trunc(limit))) as Row[];
    return rows.map((r): Delivery => {
      const where = { position: BigInt(r.position), deviceId: bytesOf(r.device_id), epoch: r.epoch, stream: r.stream };
      if (r.reason !== null) {
        return { kind: "accounted", ...where, first: seqOf(r.first), last: seqOf(r.last), reason: r.reason };
      }
      if (r.payload === null) throw new Error(`delivery ${r.position} names an event the store does not hold`);
      return {
        kind: "event",
        ...where,
        seq: seqOf(r.first),
        priority: r.priority!,
        payload: bytesOf(r.payload),
        receivedAtMs: r.received_at_ms!,
        ...(r.expires_at_ms !== null ? { expiresAtMs: r.expires_at_ms } : {}),
      };
    });
  }
}
