/**
 * The durable per-device command queue [CMD-2].
 *
 * Ids come from a per-device counter that only grows, starting at 1, so an
 * id is never reused even after its command is settled or deleted [CMD-3].
 * A command is settled [CMD-13] once a CommandAck with SCOPE_END_TO_END (any
 * outcome) or with a final outcome (EXECUTED, EXPIRED, REJECTED) covers it,
 * or once it expires in the queue. RECEIVED with SCOPE_HOP (the app holds
 * it) is recorded but does not settle: the command is still pending and is
 * replayed on the next session that has not acknowledged it [CMD-11];
 * which ids a session acknowledged is the session's business.
 *
 * The recorded outcome only moves forward: a later ack replaces it only when
 * it says more (rank below), so a late or repeated ack never takes back an
 * outcome; settleCommands is idempotent.
 */
import type Database from "better-sqlite3";
import type { CommandOutcome, Scope } from "@ferry/protocol";
import type { StoredCommand } from "./store.js";
import { bytesOf } from "./seq.js";

/** Ids are SQLite INTEGERs; a counter from 1 never gets near 2^63, so larger ids name nothing. */
const MAX_ID = (1n << 63n) - 1n;

interface Row {
  id: number;
  payload: Buffer;
  expires_at_ms: number | null;
}

/**
 * How much an (outcome, scope) says: the app holds it < the device holds it
 * < a hop's final word (the app could not deliver it, or it expired where it
 * was held) < the device's final word.
 */
export function outcomeRank(outcome: CommandOutcome, scope: Scope): number {
  if (outcome === "received") return scope === "hop" ? 0 : 1;
  return scope === "hop" ? 2 : 3;
}

/** [CMD-13] settled by any end-to-end ack and by any final outcome. */
export function settles(outcome: CommandOutcome, scope: Scope): boolean {
  return scope === "end-to-end" || outcome !== "received";
}

export class CommandQueue {
  readonly #nextId: Database.Statement;
  readonly #insert: Database.Statement;
  readonly #expire: Database.Statement;
  readonly #pending: Database.Statement;
  readonly #outcome: Database.Statement;
  readonly #record: Database.Statement;

  constructor(db: Database.Database) {
    this.#nextId = db
      .prepare(
        `INSERT INTO command_ids (device_id, last_id) VALUES (?, 1)
         ON CONFLICT (device_id) DO UPDATE SET last_id = last_id + 1 RETURNING last_id`,
      )
      .pluck();
    this.#insert = db.prepare(
      `INSERT INTO commands (device_id, id, payload, ttl_ms, enqueued_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    // [CMD-6] a command that expired in the queue is settled EXPIRED and never sent.
    this.#expire = db.prepare(
      `UPDATE commands SET outcome = 'expired', scope = 'hop', settled = 1
       WHERE device_id = ? AND settled = 0 AND expires_at_ms IS NOT NULL AND expires_at_ms <= ?`,
    );
    this.#pending = db.prepare(
      "SELECT id, payload, expires_at_ms FROM commands WHERE device_id = ? AND settled = 0 ORDER BY id",
    );
    this.#outcome = db.prepare("SELECT outcome, scope FROM commands WHERE device_id = ? AND id = ?");
    this.#record = db.prepare("UPDATE commands SET outcome = ?, scope = ?, settled = ? WHERE device_id = ? AND id = ?");
  }

  enqueue(deviceId: Uint8Array, payload: Uint8Array, ttlMs: number, nowMs: number): bigint {
    // [ID-3] device ids are 1 to 16 bytes; [CMD-6] ttl_ms is a uint32, 0 = no expiry.
    if (deviceId.length < 1 || deviceId.length > 16) throw new RangeError(`device id of ${deviceId.length} bytes`);
    if (!Number.isInteger(ttlMs) || ttlMs < 0 || ttlMs > 0xffff_ffff) throw new RangeError(`command ttl ${ttlMs}`);
    if (!Number.isFinite(nowMs)) throw new RangeError(`now ${nowMs}`);
    const id = this.#nextId.get(deviceId) as number;
    this.#insert.run(deviceId, id, payload, ttlMs, nowMs, ttlMs > 0 ? nowMs + ttlMs : null);
    return BigInt(id);
  }

  /** Expires what is due, then lists the rest; ttlMs is the time left at `nowMs` [CMD-6]. */
  pending(deviceId: Uint8Array, nowMs: number): StoredCommand[] {
    this.#expire.run(deviceId, nowMs);
    return (this.#pending.all(deviceId) as Row[]).map((r) => ({
      deviceId: bytesOf(deviceId),
      id: BigInt(r.id),
      payload: bytesOf(r.payload),
      ttlMs: r.expires_at_ms === null ? 0 : r.expires_at_ms - nowMs,
      ...(r.expires_at_ms !== null ? { expiresAtMs: r.expires_at_ms } : {}),
    }));
  }

  /** Records an ack for each id; ids that name no command are ignored [CMD-4]. */
  settle(deviceId: Uint8Array, ids: bigint[], outcome: CommandOutcome, scope: Scope): void {
    const rank = outcomeRank(outcome, scope);
    for (const id of ids) {
      if (id < 1n || id > MAX_ID) continue;
      const row = this.#row(deviceId, id);
      if (row === undefined) continue;
      if (row.outcome !== null && row.scope !== null && outcomeRank(row.outcome, row.scope) >= rank) continue;
      this.#record.run(outcome, scope, settles(outcome, scope) ? 1 : 0, deviceId, id);
    }
  }

  outcome(deviceId: Uint8Array, id: bigint): { outcome: CommandOutcome; scope: Scope } | undefined {
    if (id < 1n || id > MAX_ID) return undefined;
    const row = this.#row(deviceId, id);
    if (!row || row.outcome === null || row.scope === null) return undefined;
    return { outcome: row.outcome, scope: row.scope };
  }

  #row(deviceId: Uint8Array, id: bigint): { outcome: CommandOutcome | null; scope: Scope | null } | undefined {
    return this.#outcome.get(deviceId, id) as { outcome: CommandOutcome | null; scope: Scope | null } | undefined;
  }
}
