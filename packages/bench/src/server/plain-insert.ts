/**
 * The ceiling for server ingest: the same SQLite engine on a fresh file,
 * with the reference store's durability settings (journal_mode WAL,
 * synchronous FULL, foreign_keys ON; reference-server
 * src/store/open-database.ts), inserting the same event rows (the `events`
 * table of the reference schema, src/store/schema.ts, copied here because
 * the package does not export it) in transactions of the size the server's
 * group commit produced. No custody bookkeeping, no delivery log, no
 * network, no protocol: what the disk and SQLite allow at best.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { nowMs } from "../stats.js";

/** The reference schema's streams and events tables (migration 1). */
const DDL = `
  CREATE TABLE streams (
    id        INTEGER PRIMARY KEY,
    device_id BLOB    NOT NULL CHECK (length(device_id) BETWEEN 1 AND 16),
    epoch     INTEGER NOT NULL CHECK (epoch BETWEEN 1 AND 4294967295),
    stream    INTEGER NOT NULL CHECK (stream BETWEEN 0 AND 4294967295),
    next_seq  BLOB    NOT NULL CHECK (length(next_seq) = 8),
    UNIQUE (device_id, epoch, stream)
  );
  CREATE TABLE events (
    stream_id      INTEGER NOT NULL REFERENCES streams (id),
    seq            BLOB    NOT NULL CHECK (length(seq) = 8),
    priority       TEXT    NOT NULL CHECK (priority IN ('bulk', 'realtime', 'critical')),
    payload        BLOB    NOT NULL,
    signature      BLOB,
    received_at_ms INTEGER NOT NULL,
    expires_at_ms  INTEGER,
    UNIQUE (stream_id, seq)
  );
`;

export interface PlainInsertRun {
  /** Rows inserted per second. */
  rate: number;
  transactions: number;
}

const seqBlob = (seq: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(seq));
  return b;
};

/** Inserts `events` rows spread over `streams` streams, `perTransaction` rows per commit, into a fresh file in `dir`. */
export function plainInsert(dir: string, events: number, perTransaction: number, streams: number, payload: (i: number) => Uint8Array): PlainInsertRun {
  const path = join(dir, `ceiling-${process.pid}-${Math.round(nowMs())}.db`);
  const db = new Database(path);
  try {
    const mode = db.pragma("journal_mode = WAL", { simple: true });
    if (mode !== "wal") throw new Error(`journal_mode is ${String(mode)}, not wal`);
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    db.exec(DDL);
    const addStream = db.prepare("INSERT INTO streams (id, device_id, epoch, stream, next_seq) VALUES (?, ?, 1, 1, ?)");
    for (let s = 1; s <= streams; s++) addStream.run(s, Buffer.from([s >> 8, s & 0xff]), seqBlob(0));
    const insert = db.prepare(
      "INSERT INTO events (stream_id, seq, priority, payload, signature, received_at_ms, expires_at_ms) VALUES (?, ?, 'bulk', ?, NULL, ?, NULL)",
    );
    type Row = [number, Buffer, Uint8Array];
    const rows: Row[] = Array.from({ length: events }, (_, i) => [1 + (i % streams), seqBlob(Math.floor(i / streams)), payload(i)]);
    const commit = db.transaction((chunk: Row[], at: number) => {
      for (const r of chunk) insert.run(r[0], r[1], r[2], at);
    });
    const size = Math.max(1, Math.round(perTransaction));
    let transactions = 0;
    const t0 = nowMs();
    for (let i = 0; i < rows.length; i += size) {
      commit.immediate(rows.slice(i, i + size), Date.now());
      transactions++;
    }
    const ms = nowMs() - t0;
    return { rate: (events * 1000) / Math.max(ms, 1e-3), transactions };
  } finally {
    db.close();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  }
}
