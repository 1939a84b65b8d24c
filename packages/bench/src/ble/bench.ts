/**
 * BLE efficiency: for each workload and ATT MTU, the share of notification
 * payload bytes that carry event payload, with Ferry's fragmentation, beside
 * a BTP-like 3-to-5-byte header on the same SDUs and beside Ferry's ceiling.
 * Exact counts from the encoder and the Fragmenter: deterministic, so one
 * run gives the figure (no median needed).
 */
import { fragmentSize, varintSize } from "@ferry/protocol";
import { runUplink } from "./uplink.js";
import { bleWorkloads, SENSOR } from "./workloads.js";

export const ATT_MTUS = [23, 185, 247, 517] as const;

export interface BleRow {
  workload: string;
  description: string;
  batchMs?: number;
  attMtu: number;
  events: number;
  payloadBytes: number;
  sdus: number;
  notifications: number;
  notificationBytes: number;
  /** payloadBytes / notificationBytes with Ferry's fragment header. */
  efficiency: number;
  /** The same SDUs with a BTP-like header (5 bytes first, 3 continuation). */
  btpEfficiency: number;
  /** Ferry's limit for this payload size: an unbounded run, only length prefixes and 1-byte continuation headers left. */
  ceiling: number;
}

export interface BleSection {
  attMtus: number[];
  rows: BleRow[];
  /** Largest fragment headers read from every fragment sent, over all workloads and MTUs. */
  maxFirstHeader: number;
  maxContinuationHeader: number;
  /** Envelope overhead of one 16-byte sample alone in its run (the sensor workload), in bytes. */
  sampleEnvelopeOverhead: number;
}

export interface BleOptions {
  sensorSeconds: number;
  audioSeconds: number;
  backlogEvents: number;
}

/** p / (p + tag + length varint) per event, times (F - 1) / F per fragment. */
export function ferryCeiling(payloadBytes: number, attMtu: number): number {
  const f = fragmentSize(attMtu);
  return (payloadBytes / (payloadBytes + 1 + varintSize(payloadBytes))) * ((f - 1) / f);
}

export function benchBle(o: BleOptions): BleSection {
  const rows: BleRow[] = [];
  const section: BleSection = { attMtus: [...ATT_MTUS], rows, maxFirstHeader: 0, maxContinuationHeader: 0, sampleEnvelopeOverhead: 0 };
  for (const w of bleWorkloads(o)) {
    const payloadSize = w.workload.events[0]?.payload.length ?? 0;
    for (const attMtu of ATT_MTUS) {
      const t = runUplink(w.workload, attMtu);
      section.maxFirstHeader = Math.max(section.maxFirstHeader, t.maxFirstHeader);
      section.maxContinuationHeader = Math.max(section.maxContinuationHeader, t.maxContinuationHeader);
      if (w.name === SENSOR) section.sampleEnvelopeOverhead = Math.max(section.sampleEnvelopeOverhead, t.maxEnvelopeOverhead);
      rows.push({
        workload: w.name,
        description: w.description,
        ...(w.batchMs !== undefined && { batchMs: w.batchMs }),
        attMtu,
        events: t.events,
        payloadBytes: t.payloadBytes,
        sdus: t.sdus,
        notifications: t.notifications,
        notificationBytes: t.notificationBytes,
        efficiency: t.payloadBytes / t.notificationBytes,
        btpEfficiency: t.payloadBytes / t.btpNotificationBytes,
        ceiling: ferryCeiling(payloadSize, attMtu),
      });
    }
  }
  return section;
}
