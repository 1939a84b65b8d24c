/**
 * What the outbox hands the server leg next, over the streams of one
 * device, with the rules of the in-memory outbox (server-leg/
 * memory-outbox.ts) so the leg cannot tell the two apart:
 *
 * - accountings first: they cost no window and unblock in-order hand-off
 *   at the server [FLOW-1] [ACK-12];
 * - then events by class, critical first, then the stream whose next event
 *   was taken into custody first, each stream in sequence order; when the
 *   window stops that choice nothing of a lower class overtakes it [PRIO-3];
 * - a run is consecutive sequences; it carries the smallest time left of its
 *   events [PRIO-7], so events with and without a deadline never share a
 *   run (a run's TTL would give an expiry to an event that has none
 *   [PRIO-4]); events with and without a signature never share one either
 *   (a run has no signatures or one per event [SEC-8]);
 * - an event with less than 1 ms left is not sent: the caller accounts it
 *   EXPIRED first [PRIO-6] [PRIO-7].
 *
 * Sizes are exact (protocol's message-size), so runs fit max_message [ENV-8].
 */
import { accountedRangeSize, accountingHeaderSize, eventSize, messageSize, runHeaderSize, type AccountedRange, type Message, type Range } from "@ferry/protocol";
import type { SendLimits } from "../server-leg/source.js";
import type { HeldEvent, OutboxStream } from "./outbox-stream.js";

const RANK = { bulk: 0, realtime: 1, critical: 2 } as const;

/** [PRIO-7] Less than 1 ms left: not sent, accounted. */
export const isExpired = (e: { deadline?: number }, now: number): boolean => e.deadline !== undefined && e.deadline - now < 1;

/** The not-yet-handed events of `s` past their deadline, as merged ranges. */
export function expiredRanges(s: OutboxStream, now: number, handedToo = false): Range[] {
  const out: Range[] = [];
  for (const e of s.events) {
    if ((e.handed && !handedToo) || !isExpired(e, now)) continue;
    const last = out[out.length - 1];
    if (last && last.last + 1n === e.seq) last.last = e.seq;
    else out.push({ first: e.seq, last: e.seq });
  }
  return out;
}

/**
 * The first stream's unhanded accountings as one Accounting within
 * max_message: ranges ascending and disjoint [ENV-11], adjacent ones of one
 * reason merged [PRIO-11].
 */
export function nextAccounting(streams: Iterable<OutboxStream>, maxMessage: number): Message | undefined {
  for (const s of streams) {
    const unhanded = s.accountings.filter((a) => !a.handed).sort((a, b) => (a.range.first < b.range.first ? -1 : 1));
    if (unhanded.length === 0) continue;
    const ranges: AccountedRange[] = [];
    let body = accountingHeaderSize(s.key.stream, s.key.epoch);
    for (const a of unhanded) {
      const prev = ranges[ranges.length - 1];
      if (prev && prev.reason === a.range.reason && prev.last + 1n === a.range.first) {
        const grown = body + accountedRangeSize({ ...prev, last: a.range.last }) - accountedRangeSize(prev);
        if (messageSize(grown) > maxMessage) break;
        prev.last = a.range.last;
        body = grown;
      } else {
        const grown = body + accountedRangeSize(a.range);
        if (messageSize(grown) > maxMessage && ranges.length > 0) break;
        ranges.push({ ...a.range });
        body = grown;
      }
      a.handed = true;
    }
    return { type: "accounting", accounting: { stream: s.key.stream, epoch: s.key.epoch, ranges } };
  }
  return undefined;
}

/** The stream whose first unhanded event goes next: highest class, then oldest. */
function chooseStream(streams: Iterable<OutboxStream>): OutboxStream | undefined {
  let best: { s: OutboxStream; arrival: number } | undefined;
  for (const s of streams) {
    const head = s.events.find((e) => !e.handed);
    if (!head) continue;
    if (!best || RANK[s.priority] > RANK[best.s.priority] || (s.priority === best.s.priority && head.arrival < best.arrival)) {
      best = { s, arrival: head.arrival };
    }
  }
  return best?.s;
}

/** The next run within `limits`, or undefined when the first choice does not fit (no overtaking). */
export function nextRun(streams: Iterable<OutboxStream>, limits: SendLimits, now: number): Message | undefined {
  const s = chooseStream(streams);
  if (!s) return undefined;
  const start = s.events.findIndex((e) => !e.handed);
  const head = s.events[start]!;
  const withTtl = head.deadline !== undefined;
  const signed = head.signature !== undefined;
  // The largest TTL field the run may carry, so the size bound holds whatever TTL is left.
  let body = runHeaderSize({ stream: s.key.stream, firstSeq: head.seq, priority: s.priority, ttlMs: withTtl ? 0xffffffff : 0, epoch: s.key.epoch });
  const taken: HeldEvent[] = [];
  let bytes = 0;
  for (let i = start; i < s.events.length && taken.length < limits.events; i++) {
    const e = s.events[i]!;
    const prev = taken[taken.length - 1];
    if (e.handed || (prev && e.seq !== prev.seq + 1n)) break;
    if ((e.deadline !== undefined) !== withTtl || (e.signature !== undefined) !== signed) break;
    const fitsWindow = bytes + e.payload.length <= limits.bytes || (taken.length === 0 && limits.mayExceedBytes);
    const grown = body + eventSize(e.payload.length, e.signature?.length);
    if (!fitsWindow || messageSize(grown) > limits.maxMessage) break;
    taken.push(e);
    bytes += e.payload.length;
    body = grown;
  }
  const first = taken[0];
  if (!first) return undefined;
  for (const e of taken) e.handed = true;
  const deadlines = taken.map((e) => e.deadline).filter((d): d is number => d !== undefined);
  const ttlMs = deadlines.length === 0 ? 0 : Math.max(1, Math.floor(Math.min(...deadlines) - now));
  return {
    type: "events",
    events: {
      stream: s.key.stream,
      firstSeq: first.seq,
      priority: s.priority,
      ttlMs,
      epoch: s.key.epoch,
      payloads: taken.map((e) => e.payload),
      signatures: signed ? taken.map((e) => e.signature!) : [],
    },
  };
}
