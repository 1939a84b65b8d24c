/**
 * One delivery-log entry as a CloudEvent 1.0 in the JSON event format: the
 * shape a vendor's application receives [LIFE-12]. The `id` names the
 * sequence numbers the entry hands off, "<device hex>/<epoch>/<stream>/<seq>"
 * for one number and ".../<first>-<last>" for an accounted range, so it is
 * the idempotency key: each number is handed off once, as an event or as an
 * accounting, under one id [ACK-12].
 *
 * CloudEvents' Integer is 32-bit signed, too small for a uint32 epoch or
 * stream and a uint64 seq, so the Ferry extensions are strings; `sequence`
 * is zero-padded to 20 digits because the Sequence extension orders by
 * string comparison.
 */
import type { Priority, Reason } from "@ferry/protocol";
import type { Delivery } from "../store/store.js";

export const EVENT_TYPE = "dev.ferry.event";
export const ACCOUNTED_TYPE = "dev.ferry.accounted";

interface Attributes {
  specversion: "1.0";
  id: string;
  source: string;
  type: typeof EVENT_TYPE | typeof ACCOUNTED_TYPE;
  /** Server receipt time (RFC 3339); absent on accounted ranges. */
  time?: string;
  sequence: string;
  ferryepoch: string;
  ferrystream: string;
}

export interface FerryEventCloudEvent extends Attributes {
  type: typeof EVENT_TYPE;
  ferrypriority: Priority;
  datacontenttype: "application/octet-stream";
  data_base64: string;
}

export interface FerryAccountedCloudEvent extends Attributes {
  type: typeof ACCOUNTED_TYPE;
  datacontenttype: "application/json";
  /** first and last are decimal strings (uint64), inclusive. */
  data: { first: string; last: string; reason: Reason };
}

export type FerryCloudEvent = FerryEventCloudEvent | FerryAccountedCloudEvent;

export function deviceHex(deviceId: Uint8Array): string {
  return Buffer.from(deviceId.buffer, deviceId.byteOffset, deviceId.byteLength).toString("hex");
}

/** The id (and idempotency key) of the hand-off of sequence numbers first..last. */
export function cloudEventId(deviceId: Uint8Array, epoch: number, stream: number, first: bigint, last: bigint = first): string {
  const seqs = first === last ? `${first}` : `${first}-${last}`;
  return `${deviceHex(deviceId)}/${epoch}/${stream}/${seqs}`;
}

export function paddedSequence(seq: bigint): string {
  return seq.toString().padStart(20, "0");
}

/**
 * The CloudEvent for `entry` handed off at `nowMs`. An event whose deadline
 * has passed is not delivered but accounted EXPIRED under its own id
 * [PRIO-6]; the store may report the deadline as `expiresAtMs`.
 */
export function toCloudEvent(entry: Delivery, nowMs: number): FerryCloudEvent {
  const first = entry.kind === "event" ? entry.seq : entry.first;
  const last = entry.kind === "event" ? entry.seq : entry.last;
  const common = {
    specversion: "1.0" as const,
    id: cloudEventId(entry.deviceId, entry.epoch, entry.stream, first, last),
    source: `ferry://device/${deviceHex(entry.deviceId)}`,
    sequence: paddedSequence(first),
    ferryepoch: `${entry.epoch}`,
    ferrystream: `${entry.stream}`,
  };
  if (entry.kind === "accounted") {
    return accounted(common, first, last, entry.reason);
  }
  const expiresAtMs = (entry as { expiresAtMs?: number }).expiresAtMs;
  if (expiresAtMs !== undefined && nowMs >= expiresAtMs) {
    return { ...accounted(common, first, last, "expired"), time: new Date(entry.receivedAtMs).toISOString() };
  }
  return {
    ...common,
    type: EVENT_TYPE,
    time: new Date(entry.receivedAtMs).toISOString(),
    ferrypriority: entry.priority,
    datacontenttype: "application/octet-stream",
    data_base64: Buffer.from(entry.payload.buffer, entry.payload.byteOffset, entry.payload.byteLength).toString("base64"),
  };
}

function accounted(common: Omit<Attributes, "type">, first: bigint, last: bigint, reason: Reason): FerryAccountedCloudEvent {
  return {
    ...common,
    type: ACCOUNTED_TYPE,
    datacontenttype: "application/json",
    data: { first: `${first}`, last: `${last}`, reason },
  };
}
