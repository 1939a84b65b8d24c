/** Events held by the server, one row per identity [ID-1] [LIFE-11]. */
import type Database from "better-sqlite3";
import type { Priority } from "@ferry/protocol";
import { seqBlob, seqOf } from "./seq.js";

export interface NewEvent {
  streamId: number;
  seq: bigint;
  priority: Priority;
  payload: Uint8Array;
  signature: Uint8Array | undefined;
  receivedAtMs: number;
  expiresAtMs: number | undefined;
}

export class EventTable {
  readonly #insert: Database.Statement;
  readonly #payload: Database.Statement;
  readonly #expired: Database.Statement;
  readonly #receivedAt: Database.Statement;

  constructor(db: Database.Database) {
    this.#insert = db.prepare(
      `INSERT INTO events (stream_id, seq, priority, payload, signature, received_at_ms, expires_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#payload = db.prepare("SELECT payload FROM events WHERE stream_id = ? AND seq = ?").pluck();
    this.#receivedAt = db.prepare("SELECT received_at_ms FROM events WHERE stream_id = ? AND seq = ?").pluck();
    this.#expired = db
      .prepare(
        `SELECT seq FROM events WHERE stream_id = ? AND seq BETWEEN ? AND ?
         AND expires_at_ms IS NOT NULL AND expires_at_ms <= ? ORDER BY seq`,
      )
      .pluck();
  }

  insert(e: NewEvent): void {
    this.#insert.run(
      e.streamId,
      seqBlob(e.seq),
      e.priority,
      e.payload,
      e.signature ?? null,
      e.receivedAtMs,
      e.expiresAtMs ?? null,
    );
  }

  /** The payload held for an identity, if an event (not an accounting) covers it. */
  payload(streamId: number, seq: bigint): Buffer | undefined {
    return this.#payload.get(streamId, seqBlob(seq)) as Buffer | undefined;
  }

  /** When the event of an identity arrived (server clock, ms), if one is held. */
  receivedAt(streamId: number, seq: bigint): number | undefined {
    return this.#receivedAt.get(streamId, seqBlob(seq)) as number | undefined;
  }

  /** Sequences of [first, last] whose deadline is at or before `nowMs`, ascending [PRIO-6]. */
  expiredIn(streamId: number, first: bigint, last: bigint, nowMs: number): bigint[] {
    return (this.#expired.all(streamId, seqBlob(first), seqBlob(last), nowMs) as Buffer[]).map(seqOf);
  }
}
