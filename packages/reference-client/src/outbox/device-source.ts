/**
 * One device's part of the disk outbox, as the server leg sees it: a
 * LegSource, so WebSocketLeg, ServerLeg and HttpBatchLeg drive it as they
 * drive the in-memory outbox [HS-3] (one server session per device).
 */
import type { Message, Range, Scope, StreamAck, StreamKey } from "@ferry/protocol";
import type { LegSource, SendLimits } from "../server-leg/source.js";
import type { DiskOutbox } from "./disk-outbox.js";

export class DeviceLegSource implements LegSource {
  readonly deviceId: Uint8Array;
  readonly #outbox: DiskOutbox;

  constructor(outbox: DiskOutbox, deviceId: Uint8Array) {
    this.#outbox = outbox;
    this.deviceId = deviceId.slice();
  }

  pending(): StreamKey[] {
    return this.#outbox.pending(this.deviceId);
  }

  rewind(): void {
    this.#outbox.rewind(this.deviceId);
  }

  next(limits: SendLimits, now: number): Message | undefined {
    return this.#outbox.next(this.deviceId, limits, now);
  }

  requeue(key: StreamKey, ranges: Range[]): void {
    this.#outbox.requeue(this.deviceId, key, ranges);
  }

  acknowledge(custody: StreamAck[], scope: Scope, now: number): Promise<void> {
    return this.#outbox.acknowledge(this.deviceId, custody, scope, now);
  }
}
