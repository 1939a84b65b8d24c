/**
 * The server's durable store, behind an interface narrow enough that another
 * engine (PostgreSQL, FoundationDB, ...) can implement it. The SQLite engine
 * (sqlite-store.ts) is the reference. The durability contract every engine
 * keeps is in docs/store.md; in short:
 *
 * - `ingest` is atomic and durable when its promise resolves: everything it
 *   stored survives a crash (kill -9, power loss) the moment after, and
 *   nothing of a rejected call is stored. The server acknowledges only what
 *   a resolved `ingest` reported [ACK-2].
 * - One `ingest` call takes many requests (from many connections) and commits
 *   them in one transaction: group commit, so durability does not cost a
 *   transaction per event.
 * - Identities are unique: (device id, epoch, stream, seq) is stored once;
 *   a second copy is a duplicate, a different payload a conflict [ACK-7] [ACK-8].
 * - Delivery to the vendor's application follows the delivery log: per
 *   stream in sequence order, an event only once every lower sequence is
 *   delivered or accounted; accounted ranges appear in the log too.
 * - A gap is not waited for forever: `accountLostGaps`, called by the server
 *   on a timer, accounts a gap held open past the gap timeout as lost [ACK-21].
 */
import type { AccountedRange, Command, CommandOutcome, EventRun, Accounting, Priority, Reason, Scope, StreamAck, StreamKey, StreamRef } from "@ferry/protocol";

/** What one connection (or one HTTP batch) hands the store in one go. */
export interface IngestRequest {
  deviceId: Uint8Array;
  /** Runs with their epoch filled in (never 0 on the server leg [ENV-5]). */
  runs: EventRun[];
  accountings: Accounting[];
  /**
   * The server's own accountings of events the request carried and the
   * server refused (reason `rejected`, a bad device signature [SEC-11]):
   * taken like `accountings`, and reported back like events [ACK-22].
   */
  rejected?: Accounting[];
  /** Server clock, ms since the Unix epoch: arrival time of the request. */
  nowMs: number;
}

export interface IngestOutcome {
  /** Events stored for the first time. */
  stored: number;
  /** Events whose identity was already held with the same payload [ACK-7]. */
  duplicates: number;
  /** Identities already held with a different payload: refused [ACK-8]. */
  conflicts: StreamRef[];
  /**
   * Custody after the commit of every (stream, epoch) the request touched
   * [ACK-3], with the accounted ranges below next_seq that [ACK-22] asks the
   * Ack of this request to report: those holding an event the request carried
   * (its runs and `rejected`), and those the request's hand-off made.
   */
  custody: StreamAck[];
}

/** One entry of the delivery log, in the order the application receives them. */
export type Delivery =
  | {
      kind: "event";
      position: bigint;
      deviceId: Uint8Array;
      epoch: number;
      stream: number;
      seq: bigint;
      priority: Priority;
      payload: Uint8Array;
      receivedAtMs: number;
      /**
       * Server clock (ms) at which the event expires [PRIO-7]; undefined = never.
       * The store never logs an event already expired when it became
       * deliverable (it logs an EXPIRED accounting instead); a hand-off later
       * than this deadline must not deliver it either [PRIO-6].
       */
      expiresAtMs?: number;
    }
  | {
      kind: "accounted";
      position: bigint;
      deviceId: Uint8Array;
      epoch: number;
      stream: number;
      first: bigint;
      last: bigint;
      reason: Reason;
    };

/** A range of one stream the store accounted `lost` itself [ACK-21]. */
export interface StreamGap {
  deviceId: Uint8Array;
  stream: number;
  epoch: number;
  first: bigint;
  last: bigint;
}

export interface StoredCommand extends Command {
  deviceId: Uint8Array;
  /** Server clock (ms) after which the command is expired [CMD-6]; undefined = never. */
  expiresAtMs?: number;
}

export interface Store {
  /** Commits every request in one transaction; resolves once durable. */
  ingest(requests: IngestRequest[]): Promise<IngestOutcome[]>;
  /** The server's custody of each stream of a device [HS-4]. */
  custody(deviceId: Uint8Array, keys: StreamKey[]): Promise<StreamAck[]>;
  /** Accounted ranges stored for a stream (reporting and tests). */
  accounted(deviceId: Uint8Array, key: StreamKey): Promise<AccountedRange[]>;
  /** Up to `limit` deliveries after `cursor` (0n = from the start), in log order. */
  readDeliveries(cursor: bigint, limit: number): Promise<Delivery[]>;
  /**
   * Accounts lost [ACK-21], in one durable transaction, the lowest gap of
   * every stream whose lowest event held above that gap arrived at least
   * `gapTimeoutMs` before `nowMs` (server clock, ms): the gap
   * [next_seq, first covered - 1] is accounted `lost` and handed off like any
   * accounting, then the events above it (and any further gap old by the same
   * rule). A later event of the range is a duplicate, never delivered.
   * Returns the ranges accounted, ascending per stream; empty, and cheap,
   * when no stream is held back. The spec asks for a timeout of at least an
   * hour (24 h by default); the caller chooses it.
   */
  accountLostGaps(nowMs: number, gapTimeoutMs: number): Promise<StreamGap[]>;
  /** Queues a command; returns its id, increasing per device, never reused [CMD-3]. */
  enqueueCommand(deviceId: Uint8Array, payload: Uint8Array, ttlMs: number, nowMs: number): Promise<bigint>;
  /** Commands not settled and not expired at `nowMs`, in id order; expires the others [CMD-6]. */
  pendingCommands(deviceId: Uint8Array, nowMs: number): Promise<StoredCommand[]>;
  /** Records a CommandAck from the app [CMD-4]. */
  settleCommands(deviceId: Uint8Array, ids: bigint[], outcome: CommandOutcome, scope: Scope): Promise<void>;
  /** The outcome recorded for a command, if any. */
  commandOutcome(deviceId: Uint8Array, id: bigint): Promise<{ outcome: CommandOutcome; scope: Scope } | undefined>;
  close(): Promise<void>;
}
