/**
 * Appends to the delivery log what custody's next_seq just passed, in
 * sequence order [ACK-12]: accounted ranges as they are, held events one by
 * one, except events whose deadline has passed by `nowMs`, which are never
 * delivered but accounted EXPIRED by the server itself [PRIO-6] (consecutive
 * ones as one range [PRIO-11]). Their identity stays held, so a repeat is
 * still a duplicate or a conflict. Returns those EXPIRED ranges: the Ack of
 * the request whose hand-off made them reports them [ACK-22].
 */
import type { AccountedRange } from "@ferry/protocol";
import type { StoredStream } from "./custody-table.js";
import type { StoreTables } from "./ingest.js";

export function handOff(tables: StoreTables, s: StoredStream, nowMs: number): AccountedRange[] {
  const made: AccountedRange[] = [];
  for (const r of s.custody.advance()) {
    if (r.reason !== undefined) {
      tables.log.appendAccounted(s.id, r.first, r.last, r.reason);
      continue;
    }
    const expired = tables.events.expiredIn(s.id, r.first, r.last, nowMs);
    if (expired.length === 0) {
      for (let seq = r.first; seq <= r.last; seq++) tables.log.appendEvent(s.id, seq);
      continue;
    }
    let e = 0;
    let seq = r.first;
    while (seq <= r.last) {
      if (expired[e] !== seq) {
        tables.log.appendEvent(s.id, seq++);
        continue;
      }
      const first = seq;
      while (expired[e] === seq) {
        e++;
        seq++;
      }
      const range = { first, last: seq - 1n, reason: "expired" as const };
      tables.accounted.insert(s.id, range);
      tables.log.appendAccounted(s.id, range.first, range.last, range.reason);
      made.push(range);
    }
  }
  return made;
}
