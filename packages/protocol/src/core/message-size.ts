/**
 * Encoded sizes of EventRun and Accounting messages, computed without
 * encoding, so a sender can cut runs to the peer's max_message [ENV-8] while
 * it builds them. Exact for the canonical proto3 encoding the codec produces
 * (zero scalars left out); test/core/message-size.test.ts checks it against
 * encodeMessage.
 */
import type { AccountedRange, EventRun } from "../message.js";

/** Bytes of a base-128 varint. */
export function varintSize(n: number | bigint): number {
  let v = BigInt(n);
  let size = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    size++;
  }
  return size;
}

/** A one-byte-tag scalar field, left out when zero. */
const scalar = (n: number | bigint): number => (n === 0 || n === 0n ? 0 : 1 + varintSize(n));

/** A one-byte-tag length-delimited field. */
const delimited = (length: number): number => 1 + varintSize(length) + length;

/** What one payload (and its signature, if any) adds to an EventRun body. */
export function eventSize(payloadLength: number, signatureLength?: number): number {
  return delimited(payloadLength) + (signatureLength === undefined ? 0 : delimited(signatureLength));
}

/** EventRun fields other than payloads and signatures. */
export function runHeaderSize(run: Pick<EventRun, "stream" | "firstSeq" | "priority" | "ttlMs" | "epoch">): number {
  return scalar(run.stream) + scalar(run.firstSeq) + (run.priority === "bulk" ? 0 : 2) + scalar(run.ttlMs) + scalar(run.epoch);
}

/** A whole Message{events} from its body size: oneof tag, length, body. */
export function messageSize(bodySize: number): number {
  return delimited(bodySize);
}

export function eventRunMessageSize(run: EventRun): number {
  let body = runHeaderSize(run);
  run.payloads.forEach((p, i) => (body += eventSize(p.length, run.signatures[i]?.length)));
  return messageSize(body);
}

/** What one range adds to an Accounting body (every Reason on the wire is non-zero). */
export function accountedRangeSize(r: AccountedRange): number {
  return delimited(scalar(r.first) + scalar(r.last) + 2);
}

export function accountingHeaderSize(stream: number, epoch: number): number {
  return scalar(stream) + scalar(epoch);
}
