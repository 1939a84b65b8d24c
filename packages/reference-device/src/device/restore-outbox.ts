/**
 * Rebuilds the core's Outbox from what the flash kept (one SenderState per
 * stream), through the Outbox's public inputs, so that every rule of
 * custody, send order and overflow stays the core's [LIFE-2].
 *
 * The Outbox has no restore of its own yet (the report to the lead asks for
 * `Outbox.restore(options, states)`); until then:
 * - events are accepted again in their original arrival order, across
 *   streams, so the overflow policy's "oldest" is unchanged [PRIO-10];
 * - accountings are accepted again as held accountings [ACK-11];
 * - a stream whose counter stands above everything it still holds (its
 *   latest events were freed) gets its counter back by accepting a
 *   placeholder at next_seq - 1 and acknowledging it end to end at once:
 *   the placeholder never exists outside this function, and the counter
 *   never goes back [ID-5].
 *
 * With `expireDeadlines` (a boot), events that carry a deadline are
 * accounted EXPIRED instead: the device has no clock it trusts across a
 * power cycle [PRIO-8].
 */
import { Outbox, type OutboxOptions, type SenderState } from "@ferry/protocol";

export function restoreOutbox(options: OutboxOptions, states: ReadonlyMap<number, SenderState>, now: number, expireDeadlines: boolean): Outbox {
  const outbox = new Outbox(options);
  const placeholder = new Uint8Array(0);
  for (const [stream, state] of states) {
    const last = state.nextSeq - 1n;
    const numbered = state.events.some((e) => e.seq === last) || state.accounted.some((r) => r.first <= last && last <= r.last);
    if (state.nextSeq === 0n || numbered) continue;
    outbox.accept(stream, last, placeholder, now);
    outbox.handleAck(
      { streams: [{ stream, epoch: options.epoch, nextSeq: 0n, received: [{ first: last, last }], accounted: [] }], scope: "end-to-end", commandsPending: 0 },
      now,
    );
  }
  const events = [...states].flatMap(([stream, state]) => state.events.map((e) => ({ stream, e })));
  events.sort((a, b) => a.e.arrival - b.e.arrival);
  for (const { stream, e } of events) {
    const deadline = e.deadline === undefined ? undefined : expireDeadlines ? now : e.deadline;
    outbox.accept(stream, e.seq, e.payload, now, { ...(deadline !== undefined && { deadline }), ...(e.signature && { signature: e.signature }) });
  }
  for (const [stream, state] of states) for (const r of state.accounted) outbox.acceptAccounting(stream, r);
  return outbox;
}
