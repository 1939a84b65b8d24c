/**
 * The commands the app holds for one device [CMD-7]: taken from the server
 * (durable before the app answers RECEIVED), forwarded to the device in id
 * order one at a time [CMD-10], kept until the device's CommandAck (any
 * outcome) covers them. Outcomes are remembered so that a repeated Command
 * is answered, not stored or forwarded again: ids up to the highest settled
 * one are repeats, as on the device [CMD-9].
 */
import type { Command, CommandAck, CommandOutcome, Scope } from "@ferry/protocol";

export interface HeldCommand {
  id: bigint;
  payload: Uint8Array;
  /** On the outbox clock; absent: no expiry [CMD-6]. */
  deadline?: number;
}

export interface SettledOutcome {
  outcome: CommandOutcome;
  scope: Scope;
}

/** Outcomes remembered per device for repeats (the spec's "last 16 commands at least"). */
export const REMEMBERED_OUTCOMES = 16;

export class HeldCommands {
  /** Ascending by id. */
  readonly held = new Map<bigint, HeldCommand>();
  readonly outcomes = new Map<bigint, SettledOutcome>();
  highestSettled = 0n;

  /** A command id the app holds or has settled: a repeat [CMD-7]. */
  isRepeat(id: bigint): boolean {
    return this.held.has(id) || id <= this.highestSettled;
  }

  /** The answer to a repeat: the recorded outcome, else RECEIVED with SCOPE_HOP [CMD-7]. */
  answerRepeat(id: bigint): CommandAck {
    const o = this.outcomes.get(id);
    return { ids: [id], outcome: o?.outcome ?? "received", scope: o?.scope ?? "hop" };
  }

  hold(c: HeldCommand): void {
    if (this.isRepeat(c.id)) return;
    this.held.set(c.id, c);
    // Keep the map in id order: commands arrive in increasing id order [CMD-11], rarely otherwise.
    const ids = [...this.held.keys()];
    if (ids.some((id, i) => i > 0 && id < ids[i - 1]!)) {
      const sorted = [...this.held.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
      this.held.clear();
      for (const s of sorted) this.held.set(s.id, s);
    }
  }

  settle(ids: readonly bigint[], outcome: SettledOutcome): void {
    for (const id of ids) {
      this.held.delete(id);
      this.outcomes.delete(id);
      this.outcomes.set(id, { ...outcome });
      if (id > this.highestSettled) this.highestSettled = id;
    }
    // Forget the lowest ids first: the highest settled one is always remembered.
    const extra = this.outcomes.size - REMEMBERED_OUTCOMES;
    if (extra > 0) {
      const lowest = [...this.outcomes.keys()].sort((a, b) => (a < b ? -1 : 1)).slice(0, extra);
      for (const id of lowest) this.outcomes.delete(id);
    }
  }

  /** Held commands in id order, with the time each has left [CMD-6]. */
  toSend(now: number): Command[] {
    const out: Command[] = [];
    for (const c of this.held.values()) {
      if (c.deadline !== undefined && c.deadline - now < 1) continue;
      out.push({ id: c.id, payload: c.payload, ttlMs: c.deadline === undefined ? 0 : Math.floor(c.deadline - now) });
    }
    return out;
  }

  /** Held commands whose deadline passed [CMD-6]. */
  expired(now: number): bigint[] {
    return [...this.held.values()].filter((c) => c.deadline !== undefined && c.deadline - now < 1).map((c) => c.id);
  }
}
