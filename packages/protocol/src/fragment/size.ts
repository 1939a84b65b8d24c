/**
 * Fragment budget arithmetic: how many bytes a fragment may hold at an ATT MTU
 * and how many fragments an SDU takes [FRAG-1]. Shared by the fragmenter and
 * by benchmarks that predict BLE efficiency without fragmenting anything.
 */
import { ProtocolError } from "../errors.js";
import { GATT } from "../generated/spec.js";
import { CONTINUATION_HEADER_SIZE, SDU_LENGTH_MAX, firstHeaderSize } from "./header.js";

const { minMtu, maxMtu, notificationOverhead } = GATT.att;

/** Throws a local ProtocolError unless `attMtu` is an integer within 23..517. */
export function checkAttMtu(attMtu: number): void {
  if (!Number.isInteger(attMtu) || attMtu < minMtu || attMtu > maxMtu) {
    throw new ProtocolError("INVALID_FIELD", `ATT MTU ${attMtu} outside ${minMtu}..${maxMtu}`, "local");
  }
}

/**
 * Throws a local ProtocolError unless `sduLength` is an integer within
 * 1..min(16383, limit): an empty SDU is INVALID_FIELD, a long one
 * MESSAGE_TOO_LARGE.
 */
export function checkSduLength(sduLength: number, limit: number = SDU_LENGTH_MAX): void {
  if (!Number.isInteger(sduLength) || sduLength < 1) {
    throw new ProtocolError("INVALID_FIELD", `SDU length ${sduLength}: an SDU holds at least 1 byte`, "local");
  }
  const max = Math.min(SDU_LENGTH_MAX, limit);
  if (sduLength > max) {
    throw new ProtocolError("MESSAGE_TOO_LARGE", `SDU of ${sduLength} bytes exceeds ${max}`, "local");
  }
}

/** Throws a local ProtocolError unless `maxMessage` is a positive integer. */
export function checkMaxMessage(maxMessage: number): number {
  if (!Number.isInteger(maxMessage) || maxMessage < 1) {
    throw new ProtocolError("INVALID_FIELD", `max message ${maxMessage} is not a positive integer`, "local");
  }
  return maxMessage;
}

/**
 * Largest fragment at this ATT MTU [FRAG-2]: the notification/write payload,
 * MTU - 3, but never above 512, the largest attribute value Core allows.
 */
export function fragmentSize(attMtu: number): number {
  checkAttMtu(attMtu);
  return Math.min(attMtu - notificationOverhead, GATT.fragmentation.maxFragment);
}

/** Number of fragments an SDU of `sduLength` bytes takes at `attMtu`. */
export function fragmentCount(sduLength: number, attMtu: number): number {
  checkSduLength(sduLength);
  const size = fragmentSize(attMtu);
  const rest = sduLength - (size - firstHeaderSize(sduLength));
  return rest <= 0 ? 1 : 1 + Math.ceil(rest / (size - CONTINUATION_HEADER_SIZE));
}

/** Header bytes spent over all fragments of one SDU (for efficiency figures). */
export function headerBytes(sduLength: number, attMtu: number): number {
  const n = fragmentCount(sduLength, attMtu);
  return firstHeaderSize(sduLength) + (n - 1) * CONTINUATION_HEADER_SIZE;
}
