/**
 * A hop's receiving side for one peer across streams: routes EventRun and
 * Accounting messages to one StreamReceiver per (stream, epoch), shares the
 * connection's window among them, and gathers their acks into one Ack.
 *
 * The mirror of Outbox, and as thin: every rule lives in StreamReceiver.
 */
import type { Ack, Message, Scope, StreamAck, StreamKey, Window } from "../message.js";
import { StreamReceiver, type AccountingOutcome, type Delivery, type RunOutcome } from "./stream-receiver.js";
import { ReceiveWindow } from "./window.js";

export interface InboxOptions {
  /** The device's current epoch: runs with epoch 0 (BLE leg) belong to it [ENV-4]. */
  epoch?: number;
  /** The grant announced in the handshake [FLOW-2]; default unlimited. */
  window?: Window;
  /** Payloads of delivered events, from the driver's store (duplicate or conflict?). */
  storedPayload?: (key: StreamKey, seq: bigint) => Uint8Array | undefined;
}

export type InboxOutcome =
  | { key: StreamKey; kind: "events"; outcome: RunOutcome }
  | { key: StreamKey; kind: "accounting"; outcome: AccountingOutcome };

export interface InboxDelivery {
  key: StreamKey;
  delivery: Delivery;
}

export class Inbox {
  readonly window: ReceiveWindow;
  readonly #epoch: number | undefined;
  readonly #storedPayload: InboxOptions["storedPayload"];
  readonly #receivers = new Map<string, StreamReceiver>();
  #windowDue = false;

  constructor(options: InboxOptions = {}) {
    this.#epoch = options.epoch;
    this.window = new ReceiveWindow(options.window);
    this.#storedPayload = options.storedPayload;
  }

  /** The receiver of (stream, epoch), created on first use. */
  receiver(stream: number, epoch: number): StreamReceiver {
    const key = { stream, epoch: epoch === 0 ? (this.#epoch ?? 0) : epoch };
    const id = `${key.stream}/${key.epoch}`;
    let r = this.#receivers.get(id);
    if (!r) {
      const lookup = this.#storedPayload;
      r = new StreamReceiver({ ...key, window: this.window, ...(lookup && { storedPayload: (seq: bigint) => lookup(key, seq) }) });
      this.#receivers.set(id, r);
    }
    return r;
  }

  /** Adds a receiver rebuilt from durable state (StreamReceiver.restore) [ACK-2]. */
  adopt(receiver: StreamReceiver): void {
    this.#receivers.set(`${receiver.stream}/${receiver.epoch}`, receiver);
  }

  get receivers(): StreamReceiver[] {
    return [...this.#receivers.values()];
  }

  /** EventRun and Accounting messages; undefined for any other message. */
  handle(message: Message, now: number): InboxOutcome | undefined {
    if (message.type === "events") {
      const r = this.receiver(message.events.stream, message.events.epoch);
      return { key: { stream: r.stream, epoch: r.epoch }, kind: "events", outcome: r.handleRun(message.events, now) };
    }
    if (message.type === "accounting") {
      const r = this.receiver(message.accounting.stream, message.accounting.epoch);
      return { key: { stream: r.stream, epoch: r.epoch }, kind: "accounting", outcome: r.handleAccounting(message.accounting, now) };
    }
    return undefined;
  }

  /** The store committed everything handed to it so far [ACK-2]. */
  markDurable(): void {
    for (const r of this.receivers) r.markDurable();
  }

  pollDeliver(now: number): InboxDelivery[] {
    return this.receivers.flatMap((r) => r.pollDeliver(now).map((delivery) => ({ key: { stream: r.stream, epoch: r.epoch }, delivery })));
  }

  /** A new grant, carried by the next ack [FLOW-3]. */
  grant(window: Window): void {
    this.window.grant(window);
    this.#windowDue = true;
  }

  /** One Ack for every stream whose custody changed, and the grant if it changed. */
  pollAck(scope: Scope = "hop"): Ack | undefined {
    const streams = this.receivers.map((r) => r.pollAck()).filter((a): a is StreamAck => a !== undefined);
    if (streams.length === 0 && !this.#windowDue) return undefined;
    const ack: Ack = { streams, scope, commandsPending: 0 };
    if (this.#windowDue) ack.window = this.window.granted;
    this.#windowDue = false;
    return ack;
  }

  /** Custody of every stream, for Hello/Welcome [ACK-3]. */
  custody(): StreamAck[] {
    return this.receivers.map((r) => r.ackState());
  }

  /** A new connection, whose handshake grants `window` (default: the current grant) [FLOW-2]. */
  resume(window?: Window): void {
    for (const r of this.receivers) r.resume();
    this.window.newConnection(window);
  }
}
