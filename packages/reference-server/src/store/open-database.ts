/**
 * Opens (or creates) the SQLite file with the settings custody depends on.
 *
 * - journal_mode = WAL: readers do not block the writer, and a commit is one
 *   sequential append to the log.
 * - synchronous = FULL: in WAL mode, NORMAL skips the fsync of the log at
 *   commit, so a power loss can take back the last transactions. A server
 *   acknowledges what a commit stored and the sender then frees it [ACK-2];
 *   such a loss would lose events for good. FULL fsyncs at every commit,
 *   which group commit pays once for many requests.
 * - foreign_keys = ON: rows of a stream never outlive it.
 * - busy_timeout: another connection (a reporting tool) may hold the write
 *   lock briefly; wait for it rather than fail an ingest.
 */
import Database from "better-sqlite3";
import { migrate } from "./schema.js";

export interface OpenOptions {
  /** How long to wait for a lock held by another connection (ms). Default 5000. */
  busyTimeoutMs?: number;
}

export function openDatabase(path: string, options: OpenOptions = {}): Database.Database {
  const db = new Database(path);
  try {
    const mode = db.pragma("journal_mode = WAL", { simple: true });
    if (path !== ":memory:" && mode !== "wal") throw new Error(`journal_mode is ${String(mode)}, not wal`);
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    migrate(db);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
