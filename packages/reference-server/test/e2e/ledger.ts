/**
 * What the clients produced and saw acknowledged, checked against the
 * server's delivery log: every produced event delivered exactly once, in
 * order per stream, and every acknowledged one among them. A failure names
 * the device, the stream and the sequence ranges lost, doubled or unknown.
 */
import { covers, MemoryOutbox } from "@ferry/reference-client";
import type { Priority, Scope, StreamAck, StreamKey } from "@ferry/protocol";
import { hexOf, type DeliveryJson } from "./harness.js";

const id = (device: string, k: StreamKey) => `device ${device} stream ${k.stream}/${k.epoch}`;

/** A MemoryOutbox that remembers every sequence the server's acks freed. */
export class RecordingOutbox extends MemoryOutbox {
  readonly acked = new Map<string, Set<bigint>>();

  override acknowledge(custody: StreamAck[], scope: Scope, now: number): void {
    for (const sa of custody) {
      const set = this.acked.get(`${sa.stream}/${sa.epoch}`) ?? new Set<bigint>();
      this.acked.set(`${sa.stream}/${sa.epoch}`, set);
      for (const seq of this.held(sa)) if (covers(sa, seq)) set.add(seq);
    }
    super.acknowledge(custody, scope, now);
  }
}

/** One device's production: consecutive sequences per stream from 0. */
export class Producer {
  readonly produced = new Map<string, bigint>();
  constructor(
    readonly deviceId: Uint8Array,
    readonly outbox: RecordingOutbox,
  ) {}

  produce(key: StreamKey, priority: Priority, count: number): void {
    const k = `${key.stream}/${key.epoch}`;
    let next = this.produced.get(k) ?? 0n;
    for (let i = 0; i < count; i++, next++) this.outbox.add(key, priority, next, payloadOf(this.deviceId, key, next));
    this.produced.set(k, next);
  }

  get total(): number {
    let n = 0;
    for (const v of this.produced.values()) n += Number(v);
    return n;
  }
}

/** Deterministic payload per identity, so a doubled or foreign payload shows. */
export function payloadOf(device: Uint8Array, key: StreamKey, seq: bigint): Uint8Array {
  return new TextEncoder().encode(`${hexOf(device)}/${key.stream}/${key.epoch}/${seq}`);
}

export function ranges(seqs: Iterable<bigint>): string {
  const sorted = [...seqs].sort((a, b) => (a < b ? -1 : 1));
  const out: string[] = [];
  let start: bigint | undefined;
  let prev: bigint | undefined;
  for (const s of [...sorted, undefined]) {
    if (s !== undefined && prev !== undefined && s === prev + 1n) {
      prev = s;
      continue;
    }
    if (start !== undefined) out.push(start === prev ? `${start}` : `${start}..${prev}`);
    start = prev = s;
  }
  return out.length > 12 ? `${out.slice(0, 12).join(", ")}, ... (${sorted.length} in all)` : out.join(", ");
}

/**
 * Problems found, one line each; empty when every produced event was
 * delivered exactly once, in order, with its payload, and nothing else.
 */
export function auditDeliveries(deliveries: DeliveryJson[], producers: Producer[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, Map<bigint, number>>();
  const lastSeq = new Map<string, bigint>();
  for (const d of deliveries) {
    if (d.kind !== "event") continue;
    const k = `${d.deviceId} ${d.stream}/${d.epoch}`;
    const seq = BigInt(d.seq!);
    const counts = seen.get(k) ?? new Map<bigint, number>();
    seen.set(k, counts);
    counts.set(seq, (counts.get(seq) ?? 0) + 1);
    const before = lastSeq.get(k);
    if (before !== undefined && seq <= before) problems.push(`device ${d.deviceId} stream ${d.stream}/${d.epoch}: seq ${seq} delivered after ${before} (position ${d.position}) [ACK-12]`);
    lastSeq.set(k, seq);
    const expected = Buffer.from(payloadOf(Buffer.from(d.deviceId, "hex"), d, seq)).toString("base64");
    if (d.payload !== expected) problems.push(`device ${d.deviceId} stream ${d.stream}/${d.epoch}: seq ${seq} delivered with a foreign payload`);
  }
  const known = new Set<string>();
  for (const p of producers) {
    const device = hexOf(p.deviceId);
    for (const [k, n] of p.produced) {
      const [stream, epoch] = k.split("/").map(Number) as [number, number];
      known.add(`${device} ${k}`);
      const counts = seen.get(`${device} ${k}`) ?? new Map<bigint, number>();
      const acked = p.outbox.acked.get(k) ?? new Set<bigint>();
      const lost: bigint[] = [];
      const lostAcked: bigint[] = [];
      const doubled: bigint[] = [];
      for (let s = 0n; s < n; s++) {
        const c = counts.get(s) ?? 0;
        if (c === 0) (acked.has(s) ? lostAcked : lost).push(s);
        if (c > 1) doubled.push(s);
      }
      const extra = [...counts.keys()].filter((s) => s >= n);
      const where = id(device, { stream, epoch });
      if (lostAcked.length > 0) problems.push(`${where}: LOST AFTER ACK (the client saw these acknowledged and freed them) ${ranges(lostAcked)}`);
      if (lost.length > 0) problems.push(`${where}: never delivered ${ranges(lost)}`);
      if (doubled.length > 0) problems.push(`${where}: DELIVERED TWICE ${ranges(doubled)}`);
      if (extra.length > 0) problems.push(`${where}: delivered but never produced ${ranges(extra)}`);
    }
  }
  for (const k of seen.keys()) if (!known.has(k)) problems.push(`${k}: delivered for a stream no client produced`);
  return problems;
}
