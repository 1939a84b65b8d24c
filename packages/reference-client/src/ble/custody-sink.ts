/**
 * Where a device session puts what it takes from a device: the app's durable
 * outbox. The disk outbox implements it; the session never acknowledges the
 * device before `take` has resolved [ACK-2] [LIFE-4] [LIFE-5].
 */
import type { Accounting, EventRun, StreamAck } from "@ferry/protocol";

/** A device as the app names it: the lowercase hex of `DeviceInfo.device_id` [ID-3]. */
export type DeviceId = string;

export function deviceIdOf(bytes: Uint8Array): DeviceId {
  return Buffer.from(bytes).toString("hex");
}

export interface CustodySink {
  /**
   * The app's durable custody of the device, one StreamAck per (stream,
   * epoch) it has custody state of [ACK-3]: covering what it holds and what
   * it forwarded and freed. The Hello carries those of the current epoch
   * [DHS-3]; the others tell duplicates of older epochs apart.
   */
  custody(deviceId: DeviceId): StreamAck[];
  /**
   * Takes new events and accountings into custody; resolves only once they,
   * and the custody state that covers them, are durable [ACK-2]. Epochs are
   * explicit (never 0) [ENV-4]; a run's `ttl_ms` is the time its events have
   * left at the call [PRIO-7]. Events of one run are consecutive and new to
   * this session, but a replay after a lost acknowledgement may hand an
   * identity the sink already holds: taking is idempotent by identity [ACK-7].
   * A rejection means nothing of the batch is durable.
   */
  take(deviceId: DeviceId, runs: EventRun[], accountings: Accounting[]): Promise<void>;
}

/** A critical event now durable in the app: raise the local notification [LIFE-8]. */
export interface CriticalEvent {
  deviceId: DeviceId;
  stream: number;
  epoch: number;
  seq: bigint;
  payload: Uint8Array;
}
