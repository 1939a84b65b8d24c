/**
 * The app's receiving side of one device connection: what comes up on
 * uplink, taken into custody through the protocol's Inbox and
 * StreamReceivers, handed to the sink in batches, and acknowledged once a
 * batch is durable [ACK-2] [ACK-3] [ACK-7] [ACK-11].
 *
 * - The receivers start from the custody the Hello announced, so what it
 *   covers is known as a duplicate [DHS-3] [ACK-7].
 * - The current epoch's streams are those DeviceInfo declares, each with
 *   its class [ENV-12] [PRIO-2].
 * - One batch at a time goes to the sink; what arrives meanwhile waits for
 *   the next one (one durable write for many runs, as 4.1 allows).
 * - The hop Ack names the current epoch as 0 [ENV-4].
 */
import { Inbox, ProtocolError, StreamReceiver } from "@ferry/protocol";
import type { Accounting, Ack, CentralPlan, DeviceInfo, EventRun, Priority, StreamRef, Window } from "@ferry/protocol";
import type { DeviceId } from "./custody-sink.js";
import { TakeBatch, type SealedBatch, type StoreRequest } from "./take-batch.js";

/** A refusal to report to the device as an Error [ERR-1]. */
export interface Refusal {
  error: ProtocolError;
  stream: StreamRef;
}

export class UplinkIntake {
  readonly #info: DeviceInfo;
  readonly #deviceId: DeviceId;
  readonly #inbox: Inbox;
  readonly #classes = new Map<number, Priority>();
  #batch = new TakeBatch();
  #storing: { batch: number; sealed: SealedBatch } | undefined;
  #batches = 0;

  constructor(info: DeviceInfo, deviceId: DeviceId, plan: CentralPlan, window: Window) {
    this.#info = info;
    this.#deviceId = deviceId;
    for (const s of info.streams) this.#classes.set(s.stream, s.priority);
    this.#inbox = new Inbox({ epoch: info.epoch, window });
    for (const a of [...plan.custody, ...plan.finished]) {
      const options = { stream: a.stream, epoch: a.epoch, window: this.#inbox.window };
      this.#inbox.adopt(StreamReceiver.restore(options, { delivered: a.nextSeq, held: [], received: a.received, accounted: a.accounted }));
    }
    this.#inbox.pollAck(); // nothing new to acknowledge: the Hello carries that custody
  }

  /** The declared class of a stream of the current epoch. */
  classOf(stream: number): Priority | undefined {
    return this.#classes.get(stream);
  }

  run(run: EventRun, now: number): Refusal | undefined {
    const undeclared = this.#undeclared(run.stream, run.epoch, run.priority);
    if (undeclared) return undeclared;
    const r = this.#inbox.handle({ type: "events", events: run }, now);
    if (r?.kind !== "events") return undefined;
    this.#batch.addEvents(r.key, run.priority, r.outcome.stored);
    // [ERR-7] one Error for the run: its first refusal (WINDOW_EXCEEDED, SEQUENCE_CONFLICT, INVALID_FIELD).
    const refused = r.outcome.errors[0];
    return refused && { error: refused.error, stream: { stream: run.stream, epoch: run.epoch, seq: refused.first } };
  }

  accounting(accounting: Accounting, now: number): Refusal | undefined {
    const undeclared = this.#undeclared(accounting.stream, accounting.epoch);
    if (undeclared) return undeclared;
    const r = this.#inbox.handle({ type: "accounting", accounting }, now);
    if (r?.kind === "accounting") this.#batch.addAccounting(r.key, r.outcome.stored);
    return undefined;
  }

  /** The next batch for the sink, when none is being stored and something new waits. */
  handOff(now: number): StoreRequest | undefined {
    if (this.#storing || this.#batch.isEmpty) return undefined;
    const sealed = this.#batch.seal(now);
    this.#batch = new TakeBatch();
    const batch = ++this.#batches;
    this.#storing = { batch, sealed };
    return { batch, deviceId: this.#deviceId, runs: sealed.runs, accountings: sealed.accountings };
  }

  /** The sink made `batch` durable: its items become acknowledgeable; its critical events, returned, may be announced. */
  stored(batch: number): SealedBatch["critical"] | undefined {
    const storing = this.#storing;
    if (!storing || storing.batch !== batch) return undefined;
    this.#storing = undefined;
    for (const { key, ranges } of storing.sealed.marks) {
      const r = this.#inbox.receiver(key.stream, key.epoch);
      r.markDurable(ranges);
      // The app forwards, it does not deliver [ACK-20]: draining frees the payloads; expiry is the outbox's business.
      r.pollDeliver(Number.NEGATIVE_INFINITY);
    }
    return storing.sealed.critical;
  }

  /** The sink failed `batch`: nothing of it is durable, so nothing of it will be acknowledged. */
  storeFailed(batch: number): boolean {
    if (this.#storing?.batch !== batch) return false;
    this.#storing = undefined;
    return true;
  }

  grant(window: Window): void {
    this.#inbox.grant(window);
  }

  /** The hop Ack to write now, if custody or the grant changed [ACK-15] [FLOW-3]. */
  pollAck(): Ack | undefined {
    const ack = this.#inbox.pollAck("hop");
    if (!ack) return undefined;
    // [ENV-4] on the BLE leg epoch 0 stands for the current one: fewer bytes.
    return { ...ack, streams: ack.streams.map((s) => (s.epoch === this.#info.epoch ? { ...s, epoch: 0 } : s)) };
  }

  /** [ENV-12] [PRIO-2] the current epoch's streams are the declared ones, each with its class. */
  #undeclared(stream: number, epoch: number, priority?: Priority): Refusal | undefined {
    if (epoch !== 0 && epoch !== this.#info.epoch) return undefined;
    const declared = this.#classes.get(stream);
    if (declared !== undefined && (priority === undefined || priority === declared)) return undefined;
    const why = declared === undefined ? `stream ${stream} is not in DeviceInfo.streams [ENV-12]` : `stream ${stream} is ${declared}, run says ${priority} [PRIO-2]`;
    return { error: new ProtocolError("INVALID_FIELD", why), stream: { stream, epoch, seq: 0n } };
  }
}
