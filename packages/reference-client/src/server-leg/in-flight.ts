/**
 * What one connection has sent and the server has not yet covered: the
 * sender's count against the window [FLOW-1] and the record that finds lost
 * items [ACK-17].
 *
 * Each sent item gets a transmission number. An Ack that covers an item
 * sent after an uncovered one of the same stream and epoch shows the older
 * one lost (the server refused it: WINDOW_EXCEEDED, STORAGE_FULL): it leaves
 * flight and the leg hands it back to the source to send again. Accountings
 * cost no window but are tracked the same way.
 */
import type { Accounting, EventRun, Range, StreamAck, StreamKey, Window } from "@ferry/protocol";
import { covers, coversRange } from "./coverage.js";
import { keyOf } from "./source.js";

interface SentEvent {
  size: number;
  tx: number;
}

interface SentAccounting {
  range: Range;
  tx: number;
}

interface StreamFlight {
  key: StreamKey;
  events: Map<bigint, SentEvent>;
  accountings: SentAccounting[];
}

/** Items that left flight without being covered, per stream, to hand back to the source. */
export interface Requeue {
  key: StreamKey;
  ranges: Range[];
}

export interface AckEffect {
  /** The ack covered something that was in flight: the retransmission timer restarts [ACK-18]. */
  progress: boolean;
  /** Shown lost by the ack [ACK-17]. */
  lost: Requeue[];
}

export class InFlight {
  #streams = new Map<string, StreamFlight>();
  #tx = 0;
  #events = 0;
  #bytes = 0;

  /** Events and payload bytes in flight: what the window counts [FLOW-1]. */
  get count(): Window {
    return { events: this.#events, bytes: this.#bytes };
  }

  get isEmpty(): boolean {
    for (const s of this.#streams.values()) if (s.events.size > 0 || s.accountings.length > 0) return false;
    return true;
  }

  recordRun(run: EventRun): void {
    const s = this.#stream(run);
    run.payloads.forEach((p, i) => {
      // Events of a run go out, and are taken by the server, in order: each its own number.
      const tx = ++this.#tx;
      const seq = run.firstSeq + BigInt(i);
      // A retransmission of an event already in flight costs nothing more [FLOW-1].
      const had = s.events.get(seq);
      if (!had) {
        this.#events++;
        this.#bytes += p.length;
      }
      s.events.set(seq, { size: p.length, tx });
    });
  }

  recordAccounting(accounting: Accounting): void {
    const tx = ++this.#tx;
    const s = this.#stream(accounting);
    for (const r of accounting.ranges) s.accountings.push({ range: { first: r.first, last: r.last }, tx });
  }

  /**
   * The server's custody: covered items leave flight. With `detectLoss`
   * (an Ack, not the Welcome's custody, which predates the first flight)
   * uncovered items older than a covered one leave flight as lost.
   */
  handleCustody(custody: StreamAck[], detectLoss: boolean): AckEffect {
    const effect: AckEffect = { progress: false, lost: [] };
    for (const sa of custody) {
      const s = this.#streams.get(keyOf(sa));
      if (!s) continue;
      let newest = 0;
      for (const [seq, e] of s.events) {
        if (!covers(sa, seq)) continue;
        s.events.delete(seq);
        this.#release(e.size);
        newest = Math.max(newest, e.tx);
        effect.progress = true;
      }
      s.accountings = s.accountings.filter((a) => {
        if (!coversRange(sa, a.range)) return true;
        newest = Math.max(newest, a.tx);
        effect.progress = true;
        return false;
      });
      if (detectLoss && newest > 0) {
        const lost = this.#takeOlderThan(s, newest);
        if (lost.length > 0) effect.lost.push({ key: s.key, ranges: lost });
      }
    }
    return effect;
  }

  /** Everything in flight leaves it, for a retransmission [ACK-18]. */
  takeAll(): Requeue[] {
    const out: Requeue[] = [];
    for (const s of this.#streams.values()) {
      const ranges = this.#takeOlderThan(s, Infinity);
      if (ranges.length > 0) out.push({ key: s.key, ranges });
    }
    return out;
  }

  #takeOlderThan(s: StreamFlight, tx: number): Range[] {
    const seqs: bigint[] = [];
    for (const [seq, e] of s.events) {
      if (e.tx >= tx) continue;
      s.events.delete(seq);
      this.#release(e.size);
      seqs.push(seq);
    }
    const ranges = toRanges(seqs);
    s.accountings = s.accountings.filter((a) => {
      if (a.tx >= tx) return true;
      ranges.push(a.range);
      return false;
    });
    return ranges;
  }

  #release(size: number): void {
    this.#events--;
    this.#bytes -= size;
  }

  #stream(k: StreamKey): StreamFlight {
    const id = keyOf(k);
    let s = this.#streams.get(id);
    if (!s) this.#streams.set(id, (s = { key: { stream: k.stream, epoch: k.epoch }, events: new Map(), accountings: [] }));
    return s;
  }
}

/** Sequences as inclusive ranges of consecutive numbers. */
export function toRanges(seqs: bigint[]): Range[] {
  const sorted = [...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: Range[] = [];
  for (const seq of sorted) {
    const last = out[out.length - 1];
    if (last && last.last + 1n === seq) last.last = seq;
    else out.push({ first: seq, last: seq });
  }
  return out;
}
