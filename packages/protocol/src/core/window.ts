/**
 * Flow control: the receiver's grant and both sides' count of what is in
 * flight [FLOW-1].
 *
 * A Window covers one connection, all streams together, so it is shared by
 * the stream senders (or receivers) of that connection. "In flight" means
 * sent on this connection and not yet covered by an acknowledgement; a
 * retransmission of an event already in flight costs nothing more.
 *
 * The receiver counts the new events it took on this connection and has not
 * yet acknowledged. Every one of them is also in the sender's count (the
 * sender only forgets one when the ack arrives, after the receiver sent it),
 * so a sender that keeps to the window is never refused WINDOW_EXCEEDED.
 *
 * Counts are released by the stream senders and receivers that took them
 * (on an ack, or in their resume() for a new connection), never reset here,
 * so a window shared by several streams stays consistent.
 */
import type { Window } from "../message.js";

const U32_MAX = 0xffff_ffff;

/** No limit worth the name: what a sender assumes before any grant. */
export const UNLIMITED_WINDOW: Readonly<Window> = Object.freeze({ events: U32_MAX, bytes: U32_MAX });

/**
 * May one more event of `size` payload bytes join `events` events and
 * `bytes` bytes in flight under `w`? One event may always be in flight when
 * the window's bytes are fewer than its size, so a large event cannot
 * deadlock; Window{0,0} stops everything [FLOW-1].
 */
export function fitsWindow(w: Window, events: number, bytes: number, size: number): boolean {
  if (events + 1 > w.events) return false;
  return bytes + size <= w.bytes || events === 0;
}

/** The sending side: the peer's grant and what this side has in flight. */
export class SendWindow {
  #grant: Window;
  #events = 0;
  #bytes = 0;

  constructor(grant: Window = UNLIMITED_WINDOW) {
    this.#grant = { ...grant };
  }

  get grant(): Window {
    return { ...this.#grant };
  }

  get inFlight(): Window {
    return { events: this.#events, bytes: this.#bytes };
  }

  /** A new grant, from a Welcome or an Ack carrying a window [FLOW-3]. */
  set(grant: Window): void {
    this.#grant = { ...grant };
  }

  allows(size: number): boolean {
    return fitsWindow(this.#grant, this.#events, this.#bytes, size);
  }

  take(size: number): void {
    this.#events++;
    this.#bytes += size;
  }

  release(size: number): void {
    this.#events--;
    this.#bytes -= size;
  }

}

/**
 * The receiving side: the grant this side announced and the events it took
 * and has not acknowledged yet.
 *
 * After a grant shrinks, the sender may still act on the larger one until it
 * sees the ack carrying the new grant, so the receiver enforces the largest
 * grant of the connection (DESIGN.md does not say; see the report).
 */
export class ReceiveWindow {
  #granted: Window;
  #enforced: Window;
  #events = 0;
  #bytes = 0;

  constructor(grant: Window = UNLIMITED_WINDOW) {
    this.#granted = { ...grant };
    this.#enforced = { ...grant };
  }

  get granted(): Window {
    return { ...this.#granted };
  }

  get outstanding(): Window {
    return { events: this.#events, bytes: this.#bytes };
  }

  grant(w: Window): void {
    this.#granted = { ...w };
    this.#enforced = {
      events: Math.max(this.#enforced.events, w.events),
      bytes: Math.max(this.#enforced.bytes, w.bytes),
    };
  }

  /** Takes a new event of `size` bytes if the window has room; false: WINDOW_EXCEEDED. */
  admit(size: number): boolean {
    if (!fitsWindow(this.#enforced, this.#events, this.#bytes, size)) return false;
    this.#events++;
    this.#bytes += size;
    return true;
  }

  /** An ack covering an admitted event went out. */
  release(size: number): void {
    this.#events--;
    this.#bytes -= size;
  }

  /**
   * A new connection: the grant announced in its handshake (or the current
   * one) is the one enforced. The stream receivers release what they had
   * outstanding themselves, in their resume().
   */
  newConnection(grant?: Window): void {
    if (grant) this.#granted = { ...grant };
    this.#enforced = { ...this.#granted };
  }
}
