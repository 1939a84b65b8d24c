/**
 * The server's own accounting of gaps no hop will ever fill [ACK-21]. An app
 * wiped after taking custody of non-critical events leaves numbers that no
 * sender holds or will account; without this, every event above them would
 * wait for in-order hand-off [ACK-12] forever.
 *
 * A stream's lowest gap is [next_seq, first covered - 1]. It is accounted
 * `lost` once the lowest event held above it has been held for the gap
 * timeout (nowMs - receivedAtMs >= gapTimeoutMs). Custody never shrinks, so
 * the gap was uncovered all the time that event was held: the rule never
 * declares a loss early. It can declare one late, when a higher event
 * arrived before the lowest one: the gap blocked since that arrival. The
 * price of exactness would be a scan of every held event of a blocked
 * stream; this needs one index lookup. A stream with only accountings above
 * its gap holds no event back and is left alone (ACK-21 speaks of events).
 *
 * The gap then takes the path of any accounting (takeAccounting, handOff):
 * custody advances, the delivery log gets the lost range and the events
 * above it. When the next gap is old by the same rule it is accounted too,
 * so one sweep unblocks a stream as far as the rule allows.
 */
import type { Range } from "@ferry/protocol";
import type { NamedStream } from "./custody-table.js";
import { handOff } from "./hand-off.js";
import { takeAccounting, type StoreTables } from "./ingest.js";
import type { StreamGap } from "./store.js";

/** The body of one sweep transaction; any throw rolls it all back. */
export function accountLostGaps(tables: StoreTables, nowMs: number, gapTimeoutMs: number): StreamGap[] {
  const cutoffMs = nowMs - gapTimeoutMs;
  const accounted: StreamGap[] = [];
  for (const id of tables.custody.blockedSince(cutoffMs)) {
    const s = tables.custody.findById(id);
    if (s === undefined) continue;
    for (let gap = oldGap(tables, s, cutoffMs); gap !== undefined; gap = oldGap(tables, s, cutoffMs)) {
      for (const r of takeAccounting(tables, s, { ...gap, reason: "lost" })) {
        accounted.push({ deviceId: s.deviceId, stream: s.key.stream, epoch: s.key.epoch, first: r.first, last: r.last });
      }
      // Expiry at hand-off applies as after any accounting [PRIO-6].
      handOff(tables, s, nowMs);
    }
    tables.custody.save(s);
  }
  return accounted;
}

/** The stream's lowest gap, if the lowest event held above it arrived at or before `cutoffMs`. */
function oldGap(tables: StoreTables, s: NamedStream, cutoffMs: number): Range | undefined {
  const { nextSeq, ranges } = s.custody;
  const above = ranges[0];
  const held = ranges.find((r) => r.reason === undefined);
  if (above === undefined || held === undefined || above.first <= nextSeq) return undefined;
  const receivedAtMs = tables.events.receivedAt(s.id, held.first);
  if (receivedAtMs === undefined || receivedAtMs > cutoffMs) return undefined;
  return { first: nextSeq, last: above.first - 1n };
}
