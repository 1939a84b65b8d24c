/**
 * Every accounted range of a stream: taken from senders [ACK-11] or made by
 * the server itself (events that expired before hand-off [PRIO-6]). Kept for
 * as long as the stream, for reporting; custody reads custody_ranges instead.
 */
import type Database from "better-sqlite3";
import type { AccountedRange, Reason } from "@ferry/protocol";
import { seqBlob, seqOf } from "./seq.js";

export class AccountedTable {
  readonly #insert: Database.Statement;
  readonly #all: Database.Statement;
  readonly #startingAtOrBelow: Database.Statement;
  readonly #startingWithin: Database.Statement;

  constructor(db: Database.Database) {
    this.#insert = db.prepare("INSERT INTO accounted (stream_id, first, last, reason) VALUES (?, ?, ?, ?)");
    this.#all = db.prepare("SELECT first, last, reason FROM accounted WHERE stream_id = ? ORDER BY first");
    // Both walk the primary key (stream_id, first): ranges are disjoint, so
    // at most one range starting at or below `first` can reach into [first, last].
    this.#startingAtOrBelow = db.prepare("SELECT first, last, reason FROM accounted WHERE stream_id = ? AND first <= ? ORDER BY first DESC LIMIT 1");
    this.#startingWithin = db.prepare("SELECT first, last, reason FROM accounted WHERE stream_id = ? AND first > ? AND first <= ? ORDER BY first");
  }

  /** Records a range no earlier row overlaps (the caller took only uncovered parts). */
  insert(streamId: number, range: AccountedRange): void {
    this.#insert.run(streamId, seqBlob(range.first), seqBlob(range.last), range.reason);
  }

  /** The stored ranges (as recorded, not merged) holding a number of [first, last], ascending. */
  overlapping(streamId: number, first: bigint, last: bigint): AccountedRange[] {
    const lo = seqBlob(first);
    const rows = [
      ...(this.#startingAtOrBelow.all(streamId, lo) as Row[]),
      ...(this.#startingWithin.all(streamId, lo, seqBlob(last)) as Row[]),
    ];
    return rows.map(rangeOf).filter((r) => r.last >= first);
  }

  /** The stream's accounted ranges, ascending, adjacent ranges of one reason merged. */
  all(streamId: number): AccountedRange[] {
    const out: AccountedRange[] = [];
    for (const row of this.#all.all(streamId) as Row[]) {
      const r = rangeOf(row);
      const prev = out[out.length - 1];
      if (prev && prev.reason === r.reason && prev.last + 1n === r.first) prev.last = r.last;
      else out.push(r);
    }
    return out;
  }
}

interface Row {
  first: Buffer;
  last: Buffer;
  reason: Reason;
}

const rangeOf = (row: Row): AccountedRange => ({ first: seqOf(row.first), last: seqOf(row.last), reason: row.reason });
