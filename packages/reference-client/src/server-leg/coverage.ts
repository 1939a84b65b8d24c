/**
 * What a StreamAck covers [ACK-3]: every sequence below next_seq, inside a
 * received range, or inside an accounted range. Pure functions shared by
 * the leg (what left flight) and the outboxes (what to free).
 */
import type { Range, StreamAck } from "@ferry/protocol";

export function covers(ack: StreamAck, seq: bigint): boolean {
  if (seq < ack.nextSeq) return true;
  return ack.received.some((r) => r.first <= seq && seq <= r.last) || ack.accounted.some((r) => r.first <= seq && seq <= r.last);
}

/** Every sequence of `range` is covered. */
export function coversRange(ack: StreamAck, range: Range): boolean {
  // Walk the range through the covered intervals, sorted; a hole ends it.
  const spans = [{ first: 0n, last: ack.nextSeq - 1n }, ...ack.received, ...ack.accounted]
    .filter((s) => s.last >= s.first)
    .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  let at = range.first;
  for (const s of spans) {
    if (s.first > at) break;
    if (s.last >= at) at = s.last + 1n;
    if (at > range.last) return true;
  }
  return at > range.last;
}

