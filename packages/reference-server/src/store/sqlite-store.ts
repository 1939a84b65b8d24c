/**
 * The reference Store engine: one SQLite file through better-sqlite3 (see
 * open-database.ts for the durability settings and docs/store.md for the
 * contract). better-sqlite3 is synchronous; each method does its work in one
 * call and returns a settled promise, so the event loop never sees a
 * half-done transaction. One SqliteStore per file per process: it is the
 * single writer the custody bookkeeping assumes.
 */
import type Database from "better-sqlite3";
import type { AccountedRange, CommandOutcome, Scope, StreamAck, StreamKey } from "@ferry/protocol";
import { AccountedTable } from "./accounted-table.js";
import { CommandQueue } from "./command-queue.js";
import { CustodyTable } from "./custody-table.js";
import { DeliveryLog } from "./delivery-log.js";
import { EventTable } from "./event-table.js";
import { ingestGroup, type StoreTables } from "./ingest.js";
import { checkIngestRequest } from "./ingest-request.js";
import { accountLostGaps } from "./lost-gaps.js";
import { openDatabase, type OpenOptions } from "./open-database.js";
import type { Delivery, IngestOutcome, IngestRequest, Store, StoredCommand, StreamGap } from "./store.js";

export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #tables: StoreTables;
  readonly #commands: CommandQueue;
  readonly #ingest: Database.Transaction<(requests: IngestRequest[]) => IngestOutcome[]>;
  #commits = 0;

  /** Opens the file at `path`, creating it and its schema on first use; existing data is kept. */
  static open(path: string, options: OpenOptions = {}): SqliteStore {
    return new SqliteStore(openDatabase(path, options));
  }

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#tables = {
      custody: new CustodyTable(db),
      events: new EventTable(db),
      accounted: new AccountedTable(db),
      log: new DeliveryLog(db),
    };
    this.#commands = new CommandQueue(db);
    this.#ingest = db.transaction((requests: IngestRequest[]) => ingestGroup(this.#tables, requests));
  }

  /** Ingest transactions committed since open (metrics, and tests of group commit). */
  get commits(): number {
    return this.#commits;
  }

  async ingest(requests: IngestRequest[]): Promise<IngestOutcome[]> {
    for (const r of requests) checkIngestRequest(r);
    if (requests.length === 0) return [];
    // BEGIN IMMEDIATE: take the write lock up front, never upgrade midway.
    const outcomes = this.#ingest.immediate(requests);
    this.#commits++;
    return outcomes;
  }

  async custody(deviceId: Uint8Array, keys: StreamKey[]): Promise<StreamAck[]> {
    return keys.map((k) => this.#tables.custody.ack(deviceId, k));
  }

  async accounted(deviceId: Uint8Array, key: StreamKey): Promise<AccountedRange[]> {
    const s = this.#tables.custody.find(deviceId, key);
    return s ? this.#tables.accounted.all(s.id) : [];
  }

  async readDeliveries(cursor: bigint, limit: number): Promise<Delivery[]> {
    return this.#tables.log.read(cursor, limit);
  }

  async accountLostGaps(nowMs: number, gapTimeoutMs: number): Promise<StreamGap[]> {
    if (!Number.isFinite(nowMs)) throw new RangeError(`nowMs ${nowMs} is not a time`);
    if (!Number.isFinite(gapTimeoutMs) || gapTimeoutMs < 0) throw new RangeError(`gap timeout ${gapTimeoutMs} ms`);
    // Synchronous, so it never interleaves with an ingest: the single writer holds.
    return this.#db.transaction(() => accountLostGaps(this.#tables, nowMs, gapTimeoutMs)).immediate();
  }

  async enqueueCommand(deviceId: Uint8Array, payload: Uint8Array, ttlMs: number, nowMs: number): Promise<bigint> {
    return this.#db.transaction(() => this.#commands.enqueue(deviceId, payload, ttlMs, nowMs)).immediate();
  }

  async pendingCommands(deviceId: Uint8Array, nowMs: number): Promise<StoredCommand[]> {
    return this.#db.transaction(() => this.#commands.pending(deviceId, nowMs)).immediate();
  }

  async settleCommands(deviceId: Uint8Array, ids: bigint[], outcome: CommandOutcome, scope: Scope): Promise<void> {
    this.#db.transaction(() => this.#commands.settle(deviceId, ids, outcome, scope)).immediate();
  }

  async commandOutcome(deviceId: Uint8Array, id: bigint): Promise<{ outcome: CommandOutcome; scope: Scope } | undefined> {
    return this.#commands.outcome(deviceId, id);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
