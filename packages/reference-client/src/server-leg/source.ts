/**
 * What drives the server leg: the app's outbox, seen from the connection.
 *
 * The leg owns the connection (handshake, window, what is in flight on this
 * connection, retransmission); the source owns custody (the items, their
 * order, their expiry, freeing them). The in-memory outbox of this folder
 * implements it for tests and the e2e client; the disk outbox of issue 4
 * implements it over its log, keeping its index in memory, so every method
 * is synchronous except `acknowledge`, which may compact the log.
 *
 * Handing: `next` hands each held item at most once until `rewind` (a new
 * connection [ACK-16]) or `requeue` (the leg found it lost [ACK-17] or its
 * retransmission timer expired [ACK-18]) makes it sendable again.
 */
import type { Message, Range, Scope, StreamAck, StreamKey } from "@ferry/protocol";

/** How much the next message may carry [FLOW-1] [ENV-8]. */
export interface SendLimits {
  /** Events the window still allows; 0 stops events (accountings still go). */
  events: number;
  /** Payload bytes the window still allows. */
  bytes: number;
  /**
   * True when nothing is in flight: one event larger than `bytes` may go, so
   * a large event cannot deadlock the window [FLOW-1].
   */
  mayExceedBytes: boolean;
  /** Largest encoded Message the peer accepts [ENV-8] [WS-2]. */
  maxMessage: number;
}

export interface LegSource {
  /** Every (stream, epoch) of which the source holds items the server has not acknowledged [HS-4]. */
  pending(): StreamKey[];
  /** A new connection: every held item is sendable again [ACK-16]. */
  rewind(): void;
  /**
   * The next message to send, in send order (accountings, then critical,
   * realtime, bulk, oldest first [PRIO-3]): an EventRun within `limits`, or
   * an Accounting; undefined when nothing sendable fits.
   */
  next(limits: SendLimits, now: number): Message | undefined;
  /** These sequences of `key`, handed earlier, are no longer in flight: hand them again. */
  requeue(key: StreamKey, ranges: Range[]): void;
  /**
   * The server's custody [ACK-3]: free every item it covers. `scope` is
   * always "hop" from a server [ACK-13]; the caller relays critical streams
   * to the device [ACK-14].
   */
  acknowledge(custody: StreamAck[], scope: Scope, now: number): void | Promise<void>;
}

export const keyOf = (k: StreamKey): string => `${k.stream}/${k.epoch}`;
