/**
 * The server's measure of what its sender has in flight [FLOW-7] [FLOW-8]:
 * events taken on this connection and not yet covered by an Ack the server
 * sent. The grant is fixed for the connection (the server never changes it
 * in an Ack), so the window enforced is the one the Welcome announced.
 */
import type { EventRun, Window } from "@ferry/protocol";

export interface Admitted {
  /** The events that fit, as a (possibly shorter) run; undefined when none fit. */
  run?: EventRun;
  /** Sequence number of the first event discarded, when some were [FLOW-8]. */
  firstRefused?: bigint;
}

export class ReceiveWindow {
  readonly #grant: Window;
  #events = 0;
  #bytes = 0;

  constructor(grant: Window) {
    this.#grant = { ...grant };
  }

  get outstanding(): Window {
    return { events: this.#events, bytes: this.#bytes };
  }

  /**
   * Takes the events of a run in order while they fit; the rest of the run
   * is refused. One event may always be in flight alone, whatever its size
   * [FLOW-4]; a zero window refuses everything [FLOW-5].
   */
  admit(run: EventRun): Admitted {
    let taken = 0;
    for (const payload of run.payloads) {
      if (!this.#fits(payload.length)) break;
      this.#events++;
      this.#bytes += payload.length;
      taken++;
    }
    if (taken === run.payloads.length) return { run };
    const firstRefused = run.firstSeq + BigInt(taken);
    if (taken === 0) return { firstRefused };
    const prefix: EventRun = {
      ...run,
      payloads: run.payloads.slice(0, taken),
      signatures: run.signatures.length === 0 ? [] : run.signatures.slice(0, taken),
    };
    return { run: prefix, firstRefused };
  }

  /** An Ack covering these events went out. */
  release(events: number, bytes: number): void {
    this.#events = Math.max(0, this.#events - events);
    this.#bytes = Math.max(0, this.#bytes - bytes);
  }

  #fits(size: number): boolean {
    if (this.#events + 1 > this.#grant.events) return false;
    return this.#bytes + size <= this.#grant.bytes || (this.#events === 0 && this.#grant.bytes > 0);
  }
}
