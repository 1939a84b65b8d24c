/**
 * The SQLite schema, as numbered migrations. A new file gets every migration;
 * an existing file gets those above its recorded version, each in its own
 * transaction, and keeps its data. A file written by a newer server (a version
 * this code does not know) is refused rather than guessed at.
 *
 * Sequence numbers are 8-byte big-endian BLOBs (see seq.ts). Custody is kept
 * per stream (streams.next_seq plus custody_ranges, the covered ranges above
 * it) and maintained by each ingest, so custody() reads a row and a few
 * ranges and never scans events [ACK-4].
 *
 * Migrations are append-only: a released one is never edited, since files
 * already at its version would never run the edit.
 */
import type Database from "better-sqlite3";

const REASON = "('expired', 'overflow', 'rejected')";
const REASON_2 = "('expired', 'overflow', 'rejected', 'lost')";

export const MIGRATIONS: readonly string[] = [
  // 1: events, custody, accountings, delivery log, commands.
  `
  CREATE TABLE streams (
    id        INTEGER PRIMARY KEY,
    device_id BLOB    NOT NULL CHECK (length(device_id) BETWEEN 1 AND 16),
    epoch     INTEGER NOT NULL CHECK (epoch BETWEEN 1 AND 4294967295),
    stream    INTEGER NOT NULL CHECK (stream BETWEEN 0 AND 4294967295),
    -- custody [ACK-4]: every lower seq is held or accounted, and in the delivery log
    next_seq  BLOB    NOT NULL CHECK (length(next_seq) = 8),
    UNIQUE (device_id, epoch, stream)
  );
  -- covered ranges above next_seq: reason NULL = events held, else accounted [ACK-9]
  CREATE TABLE custody_ranges (
    stream_id INTEGER NOT NULL REFERENCES streams (id),
    first     BLOB    NOT NULL,
    last      BLOB    NOT NULL,
    reason    TEXT    CHECK (reason IN ${REASON}),
    PRIMARY KEY (stream_id, first)
  ) WITHOUT ROWID;
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
  -- every accounted range ever taken or made, disjoint per stream [ACK-19]
  CREATE TABLE accounted (
    stream_id INTEGER NOT NULL REFERENCES streams (id),
    first     BLOB    NOT NULL,
    last      BLOB    NOT NULL,
    reason    TEXT    NOT NULL CHECK (reason IN ${REASON}),
    PRIMARY KEY (stream_id, first)
  ) WITHOUT ROWID;
  -- hand-off order [ACK-12]: reason NULL = the event first (= last)
  CREATE TABLE deliveries (
    position  INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id INTEGER NOT NULL REFERENCES streams (id),
    first     BLOB    NOT NULL,
    last      BLOB    NOT NULL,
    reason    TEXT    CHECK (reason IN ${REASON})
  );
  -- per-device command ids, never reused [CMD-3]
  CREATE TABLE command_ids (
    device_id BLOB    PRIMARY KEY,
    last_id   INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE commands (
    device_id      BLOB    NOT NULL,
    id             INTEGER NOT NULL CHECK (id >= 1),
    payload        BLOB    NOT NULL,
    ttl_ms         INTEGER NOT NULL,
    enqueued_at_ms INTEGER NOT NULL,
    expires_at_ms  INTEGER,
    outcome        TEXT    CHECK (outcome IN ('received', 'executed', 'expired', 'rejected')),
    scope          TEXT    CHECK (scope IN ('hop', 'end-to-end')),
    settled        INTEGER NOT NULL DEFAULT 0 CHECK (settled IN (0, 1)),
    PRIMARY KEY (device_id, id)
  );
  CREATE INDEX commands_unsettled ON commands (device_id, id) WHERE settled = 0;
  `,
  // 2: REASON_LOST [ACK-21]. SQLite cannot alter a CHECK, so the three tables
  // with a reason are rebuilt (create, copy, drop, rename), keeping every row.
  // The log keeps its AUTOINCREMENT high-water mark, so no position is reused.
  `
  CREATE TABLE custody_ranges_2 (
    stream_id INTEGER NOT NULL REFERENCES streams (id),
    first     BLOB    NOT NULL,
    last      BLOB    NOT NULL,
    reason    TEXT    CHECK (reason IN ${REASON_2}),
    PRIMARY KEY (stream_id, first)
  ) WITHOUT ROWID;
  INSERT INTO custody_ranges_2 (stream_id, first, last, reason) SELECT stream_id, first, last, reason FROM custody_ranges;
  DROP TABLE custody_ranges;
  ALTER TABLE custody_ranges_2 RENAME TO custody_ranges;

  CREATE TABLE accounted_2 (
    stream_id INTEGER NOT NULL REFERENCES streams (id),
    first     BLOB    NOT NULL,
    last      BLOB    NOT NULL,
    reason    TEXT    NOT NULL CHECK (reason IN ${REASON_2}),
    PRIMARY KEY (stream_id, first)
  ) WITHOUT ROWID;
  INSERT INTO accounted_2 (stream_id, first, last, reason) SELECT stream_id, first, last, reason FROM accounted;
  DROP TABLE accounted;
  ALTER TABLE accounted_2 RENAME TO accounted;

  CREATE TABLE deliveries_2 (
    position  INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id INTEGER NOT NULL REFERENCES streams (id),
    first     BLOB    NOT NULL,
    last      BLOB    NOT NULL,
    reason    TEXT    CHECK (reason IN ${REASON_2})
  );
  INSERT INTO deliveries_2 (position, stream_id, first, last, reason)
    SELECT position, stream_id, first, last, reason FROM deliveries;
  DELETE FROM sqlite_sequence WHERE name = 'deliveries_2';
  INSERT INTO sqlite_sequence (name, seq) SELECT 'deliveries_2', seq FROM sqlite_sequence WHERE name = 'deliveries';
  DROP TABLE deliveries;
  ALTER TABLE deliveries_2 RENAME TO deliveries;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the file's schema to SCHEMA_VERSION; returns the version it found. */
export function migrate(db: Database.Database): number {
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const row = db.prepare("SELECT version FROM schema_version").get() as { version: number } | undefined;
  const found = row?.version ?? 0;
  if (found > SCHEMA_VERSION) {
    throw new Error(`store schema version ${found} is newer than this server's ${SCHEMA_VERSION}`);
  }
  for (let v = found; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.prepare("DELETE FROM schema_version").run();
      db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(v + 1);
    }).immediate();
  }
  return found;
}
