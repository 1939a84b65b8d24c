/**
 * Checks an IngestRequest before it joins a group commit, so that one bad
 * request is refused alone instead of failing the transaction it shares
 * with others. The codec already refuses most of this on the wire; the store
 * checks again because it is the last line before disk.
 */
import { MAX_U64, ProtocolError } from "@ferry/protocol";
import type { IngestRequest } from "./store.js";
import { MAX_SEQ } from "./seq.js";

const U32 = 0xffff_ffff;
const REASONS = new Set(["expired", "overflow", "rejected", "lost"]);
const PRIORITIES = new Set(["bulk", "realtime", "critical"]);

function invalid(detail: string): never {
  throw new ProtocolError("INVALID_FIELD", detail);
}

function u32(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0 || n > U32) invalid(`${what} ${n} is not a uint32`);
}

function epoch(n: number): void {
  u32(n, "epoch");
  // [ENV-5] the server leg always names the epoch.
  if (n === 0) invalid("epoch 0 on the server leg");
}

/** Throws ProtocolError INVALID_FIELD when the request cannot be stored as it is. */
export function checkIngestRequest(r: IngestRequest): void {
  // [ID-3] device ids are 1 to 16 bytes.
  if (!(r.deviceId instanceof Uint8Array) || r.deviceId.length < 1 || r.deviceId.length > 16) {
    invalid("device id must be 1 to 16 bytes");
  }
  if (!Number.isFinite(r.nowMs)) invalid("arrival time is not a number");
  for (const run of r.runs) {
    epoch(run.epoch);
    u32(run.stream, "stream");
    u32(run.ttlMs, "ttl_ms");
    if (!PRIORITIES.has(run.priority)) invalid(`priority ${String(run.priority)}`);
    // [ENV-2] a run carries at least one event.
    if (run.payloads.length === 0) invalid("event run without payloads");
    // [ID-5] sequence numbers stop at 2^64-2.
    if (run.firstSeq < 0n || run.firstSeq + BigInt(run.payloads.length) - 1n > MAX_SEQ) {
      invalid("event run passes the largest sequence number");
    }
    if (run.signatures.length !== 0 && run.signatures.length !== run.payloads.length) {
      invalid("signature count differs from payload count");
    }
  }
  if (r.rejected !== undefined && !r.rejected.every((a) => a.ranges.every((range) => range.reason === "rejected"))) {
    invalid("the server's own rejections carry reason rejected only");
  }
  for (const a of [...r.accountings, ...(r.rejected ?? [])]) {
    epoch(a.epoch);
    u32(a.stream, "stream");
    for (const range of a.ranges) {
      if (range.first < 0n || range.last > MAX_U64 || range.first > range.last) {
        invalid(`accounted range ${range.first}..${range.last}`);
      }
      // [ACK-10] every accounted range has a reason.
      if (!REASONS.has(range.reason)) invalid(`accounted range without a reason`);
    }
  }
}
