/**
 * What the session took from the device since its last hand-off to the
 * sink: the new events (duplicates already left out by the StreamReceivers
 * [ACK-7]) and the new accountings [ACK-11].
 *
 * Sealing at the hand-off instant turns each event's deadline back into the
 * time it has left, and replaces an event already past it by an EXPIRED
 * accounting: this hop found it expired [PRIO-6] [PRIO-7]. Either way the
 * sequence becomes covered once the sink has it, which is what `marks` says.
 */
import { RangeSet } from "@ferry/protocol";
import type { AccountedRange, Accounting, EventRun, Priority, Range, ReceivedEvent, StreamKey } from "@ferry/protocol";
import type { DeviceId } from "./custody-sink.js";

/** What the driver hands to `CustodySink.take`; `batch` names it back in `handleStored`. */
export interface StoreRequest {
  batch: number;
  deviceId: DeviceId;
  runs: EventRun[];
  accountings: Accounting[];
}

export interface SealedBatch {
  runs: EventRun[];
  accountings: Accounting[];
  /** Per (stream, epoch), every sequence the batch makes durable. */
  marks: Array<{ key: StreamKey; ranges: Range[] }>;
  /** Events of critical streams in the batch, to notify once durable [LIFE-8]. */
  critical: Array<{ key: StreamKey; seq: bigint; payload: Uint8Array }>;
}

const U32_MAX = 0xffff_ffff;
const id = (k: StreamKey) => `${k.stream}/${k.epoch}`;

export class TakeBatch {
  #runs: Array<{ key: StreamKey; priority: Priority; events: ReceivedEvent[] }> = [];
  #accounted = new Map<string, { key: StreamKey; ranges: AccountedRange[] }>();

  get isEmpty(): boolean {
    return this.#runs.length === 0 && this.#accounted.size === 0;
  }

  /** New events of one received run (its epoch resolved [ENV-4]). */
  addEvents(key: StreamKey, priority: Priority, events: ReceivedEvent[]): void {
    if (events.length > 0) this.#runs.push({ key, priority, events });
  }

  addAccounting(key: StreamKey, ranges: AccountedRange[]): void {
    if (ranges.length === 0) return;
    const entry = this.#accounted.get(id(key)) ?? { key, ranges: [] };
    entry.ranges.push(...ranges);
    this.#accounted.set(id(key), entry);
  }

  seal(now: number): SealedBatch {
    const out: SealedBatch = { runs: [], accountings: [], marks: [], critical: [] };
    const marks = new Map<string, { key: StreamKey; set: RangeSet }>();
    const mark = (key: StreamKey, first: bigint, last: bigint) => {
      const m = marks.get(id(key)) ?? { key, set: new RangeSet() };
      m.set.add(first, last);
      marks.set(id(key), m);
    };
    for (const { key, priority, events } of this.#runs) {
      let run: EventRun | undefined;
      for (const e of events) {
        mark(key, e.seq, e.seq);
        const left = e.deadline === undefined ? 0 : Math.min(U32_MAX, Math.floor(e.deadline - now));
        if (e.deadline !== undefined && left < 1) {
          this.addAccounting(key, [{ first: e.seq, last: e.seq, reason: "expired" }]);
          run = undefined;
          continue;
        }
        const follows = run !== undefined && run.firstSeq + BigInt(run.payloads.length) === e.seq;
        if (!follows) {
          run = { stream: key.stream, firstSeq: e.seq, priority, ttlMs: left, epoch: key.epoch, payloads: [], signatures: [] };
          out.runs.push(run);
        }
        run!.payloads.push(e.payload);
        if (e.signature) run!.signatures.push(e.signature);
        if (e.deadline !== undefined) run!.ttlMs = Math.min(run!.ttlMs, left);
        if (priority === "critical") out.critical.push({ key, seq: e.seq, payload: e.payload });
      }
    }
    for (const { key, ranges } of this.#accounted.values()) {
      ranges.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
      out.accountings.push({ stream: key.stream, epoch: key.epoch, ranges });
      for (const r of ranges) mark(key, r.first, r.last);
    }
    out.marks = [...marks.values()].map(({ key, set }) => ({ key, ranges: set.toArray() }));
    return out;
  }
}
