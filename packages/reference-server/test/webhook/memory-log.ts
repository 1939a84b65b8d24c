/**
 * An in-memory delivery log for the webhook tests: the `readDeliveries`
 * contract of the Store (entries after the cursor, in position order)
 * without SQLite. Positions leave gaps, as AUTOINCREMENT may, so a test
 * notices a cursor that counts entries instead of following positions.
 */
import type { Priority, Reason } from "@ferry/protocol";
import type { Delivery } from "../../src/store/store.js";
import type { DeliverySource } from "../../src/webhook/dispatcher.js";

type EventEntry = Extract<Delivery, { kind: "event" }> & { expiresAtMs?: number };

export class MemoryDeliveryLog implements DeliverySource {
  readonly entries: Delivery[] = [];
  #next = 1n;
  /** Makes the next `readDeliveries` calls fail (the store is unavailable). */
  failReads = 0;

  async readDeliveries(cursor: bigint, limit: number): Promise<Delivery[]> {
    if (this.failReads > 0) {
      this.failReads--;
      throw new Error("store unavailable");
    }
    return this.entries.filter((e) => e.position > cursor).slice(0, limit);
  }

  get lastPosition(): bigint {
    return this.entries.at(-1)?.position ?? 0n;
  }

  #position(): bigint {
    const p = this.#next;
    this.#next += this.entries.length % 3 === 0 ? 2n : 1n;
    return p;
  }

  event(deviceId: Uint8Array, epoch: number, stream: number, seq: bigint, opts: { priority?: Priority; receivedAtMs?: number; expiresAtMs?: number } = {}): EventEntry {
    const entry: EventEntry = {
      kind: "event",
      position: this.#position(),
      deviceId,
      epoch,
      stream,
      seq,
      priority: opts.priority ?? "bulk",
      payload: new TextEncoder().encode(`${Buffer.from(deviceId).toString("hex")}/${epoch}/${stream}/${seq}`),
      receivedAtMs: opts.receivedAtMs ?? 1_700_000_000_000,
      ...(opts.expiresAtMs !== undefined ? { expiresAtMs: opts.expiresAtMs } : {}),
    };
    this.entries.push(entry);
    return entry;
  }

  accounted(deviceId: Uint8Array, epoch: number, stream: number, first: bigint, last: bigint, reason: Reason): Delivery {
    const entry: Delivery = { kind: "accounted", position: this.#position(), deviceId, epoch, stream, first, last, reason };
    this.entries.push(entry);
    return entry;
  }
}

/** mulberry32: a tiny seeded PRNG, so generated logs are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A log interleaving several devices, epochs and streams, in order per
 * stream as the store writes it, with an accounted range now and then.
 */
export function sampleLog(seed: number, total: number): MemoryDeliveryLog {
  const random = seededRandom(seed);
  const log = new MemoryDeliveryLog();
  const streams = [
    { device: Uint8Array.of(0x0a, 0x01), epoch: 7, stream: 1 },
    { device: Uint8Array.of(0x0a, 0x01), epoch: 7, stream: 2 },
    { device: Uint8Array.of(0x0a, 0x01), epoch: 4_000_000_000, stream: 1 },
    { device: Uint8Array.of(0xbe, 0xef, 0x00), epoch: 1, stream: 4_294_967_295 },
    { device: Uint8Array.of(0x42), epoch: 99, stream: 3 },
  ].map((s) => ({ ...s, next: 0n }));
  while (log.entries.length < total) {
    const s = streams[Math.floor(random() * streams.length)]!;
    if (random() < 0.1) {
      const last = s.next + BigInt(Math.floor(random() * 3));
      log.accounted(s.device, s.epoch, s.stream, s.next, last, random() < 0.5 ? "expired" : "overflow");
      s.next = last + 1n;
    } else {
      log.event(s.device, s.epoch, s.stream, s.next, { priority: random() < 0.2 ? "critical" : "bulk" });
      s.next += 1n;
    }
  }
  return log;
}
