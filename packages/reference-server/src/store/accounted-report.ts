/**
 * What the server's StreamAck reports below next_seq [ACK-22]. Custody alone
 * (StreamCustody.toStreamAck) reports accounted ranges above next_seq only
 * [ACK-9]; a range the server accounted at the front of a stream (events it
 * rejected for a bad signature [SEC-11], events that expired before hand-off
 * [PRIO-6], a gap it declared lost [ACK-21]) is below next_seq at once, so a
 * client would never learn why its events were not delivered.
 *
 * The rule is stateless, so that a batch posted again after a lost answer
 * [HTTP-12] is answered the same way: the Ack of a request reports every
 * accounted range holding an event the request carried, plus the ranges the
 * request's own hand-off accounted. It is bounded by the request: at most
 * one range per carried run or rejection range, plus what its hand-off made.
 */
import type { AccountedRange, Range, StreamAck, StreamKey } from "@ferry/protocol";
import type { AccountedTable } from "./accounted-table.js";
import type { StoredStream } from "./custody-table.js";

/** The sequence numbers one request carried for one stream, and the ranges its hand-off accounted. */
export interface RequestTrace {
  carried: Range[];
  made: AccountedRange[];
}

export function streamAckFor(accounted: AccountedTable, s: StoredStream, key: StreamKey, trace: RequestTrace | undefined): StreamAck {
  const ack = s.custody.toStreamAck(key.stream, key.epoch);
  if (trace === undefined) return ack;
  const below = accountedBelow(accounted, s, trace);
  return below.length === 0 ? ack : { ...ack, accounted: [...below, ...ack.accounted] };
}

/** Ascending, disjoint, adjacent ranges of one reason merged; all below next_seq [ACK-9]. */
function accountedBelow(accounted: AccountedTable, s: StoredStream, trace: RequestTrace): AccountedRange[] {
  const nextSeq = s.custody.nextSeq;
  const found: AccountedRange[] = [...trace.made];
  for (const c of trace.carried) {
    if (c.first >= nextSeq) continue;
    found.push(...accounted.overlapping(s.id, c.first, c.last < nextSeq ? c.last : nextSeq - 1n));
  }
  // Stored ranges are disjoint and never straddle next_seq; the same one may be found twice.
  const sorted = found.filter((r) => r.last < nextSeq).sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const out: AccountedRange[] = [];
  for (const r of sorted) {
    const prev = out[out.length - 1];
    if (prev !== undefined && r.first <= prev.last) continue;
    if (prev !== undefined && prev.reason === r.reason && prev.last + 1n === r.first) prev.last = r.last;
    else out.push({ ...r });
  }
  return out;
}
