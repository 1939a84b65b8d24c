/**
 * The control point's way out: SDUs indicated one fragment at a time, each
 * waiting for its Handle Value Confirmation [VGL-7] ("a control SDU of k
 * fragments from the device takes k indication round trips", 9.4).
 *
 * SDUs are fragmented when their first fragment goes out, not when queued,
 * so the counter and the MTU are those in force then [FRAG-5] [FRAG-12].
 * Nothing is indicated while the control CCCD does not enable indications
 * [GATT-5]. A hook runs when an SDU's last fragment is sent ("sent": the
 * Welcome, after which uplink may start) or confirmed ("confirmed": an
 * Error after which the device disconnects, 13.4).
 */
import { Fragmenter } from "@ferry/protocol";

export interface QueuedSdu {
  sdu: Uint8Array;
  onSent?: () => void;
  onConfirmed?: () => void;
}

interface Current extends QueuedSdu {
  fragments: Uint8Array[];
  next: number;
}

export class IndicationQueue {
  readonly fragmenter: Fragmenter;
  #queue: QueuedSdu[] = [];
  #current: Current | undefined;
  /** When the outstanding indication was sent, and what its confirmation completes. */
  #outstanding: { since: number; confirms?: () => void } | undefined;

  constructor(maxMessage: number) {
    this.fragmenter = new Fragmenter({ maxMessage });
  }

  /** Time the outstanding indication was sent, if one awaits its confirmation. */
  get outstandingSince(): number | undefined {
    return this.#outstanding?.since;
  }

  get idle(): boolean {
    return !this.#outstanding && !this.#current && this.#queue.length === 0;
  }

  push(item: QueuedSdu): void {
    this.#queue.push(item);
  }

  /** [DHS-9] a new session: SDUs of the old one not yet started are dropped. */
  dropQueued(): void {
    this.#queue = [];
  }

  /** [FRAG-5] indications were enabled again: counter 0, and an SDU cut short starts over. */
  restart(): void {
    this.fragmenter.reset();
    if (this.#current) {
      const { sdu, onSent, onConfirmed } = this.#current;
      this.#queue.unshift({ sdu, ...(onSent && { onSent }), ...(onConfirmed && { onConfirmed }) });
      this.#current = undefined;
    }
    this.#outstanding = undefined;
  }

  /** The next fragment to indicate now, if one may go; the caller sends it. */
  next(now: number, enabled: boolean, mtu: number): Uint8Array | undefined {
    if (this.#outstanding || !enabled) return undefined;
    if (!this.#current) {
      const item = this.#queue.shift();
      if (!item) return undefined;
      this.#current = { ...item, fragments: this.fragmenter.fragment(item.sdu, mtu), next: 0 };
    }
    const c = this.#current;
    const fragment = c.fragments[c.next++]!;
    const last = c.next === c.fragments.length;
    this.#outstanding = { since: now, ...(last && c.onConfirmed && { confirms: c.onConfirmed }) };
    if (last) {
      this.#current = undefined;
      c.onSent?.();
    }
    return fragment;
  }

  /** A Handle Value Confirmation; false when none was awaited (ignored). */
  confirm(): boolean {
    const o = this.#outstanding;
    if (!o) return false;
    this.#outstanding = undefined;
    o.confirms?.();
    return true;
  }
}
