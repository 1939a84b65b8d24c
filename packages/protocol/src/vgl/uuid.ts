/**
 * UUIDs in ATT PDUs (10.3): a 16-bit UUID is 2 bytes, a 128-bit UUID is 16
 * bytes least significant first, "the bytes of its text form in reverse
 * order".
 *
 * In decoded PDUs a UUID is text, so it compares directly with gatt.json:
 * 4 lowercase hex digits for a 16-bit UUID ("2800"), the canonical
 * 8-4-4-4-12 form for a 128-bit one. Decoding keeps the size it read (a
 * 128-bit UUID on the Bluetooth base is not shortened), so bytes that decode
 * re-encode to themselves.
 */
import type { ByteReader, ByteWriter } from "./bytes.js";
import { localVglError } from "./errors.js";

/** "2800", or "8b6b0001-9136-4be7-ad60-aa99b5663246". */
export type AttUuid = string;

export const PRIMARY_SERVICE_UUID: AttUuid = "2800";
export const CHARACTERISTIC_UUID: AttUuid = "2803";
export const CCCD_UUID: AttUuid = "2902";

const UUID16 = /^[0-9a-f]{4}$/;
const UUID128 = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Wire size of a UUID: 2 or 16 bytes. Throws a local error for anything else. */
export function uuidSize(uuid: AttUuid): 2 | 16 {
  if (UUID16.test(uuid)) return 2;
  if (UUID128.test(uuid)) return 16;
  throw localVglError("FIELD_INVALID", `UUID "${uuid}" is neither 4 nor 8-4-4-4-12 lowercase hex digits`);
}

export function writeUuid(w: ByteWriter, uuid: AttUuid): void {
  const hex = uuid.replaceAll("-", "");
  const size = uuidSize(uuid);
  // Least significant byte first: walk the text form from its end.
  for (let i = size - 1; i >= 0; i--) w.u8(parseInt(hex.slice(2 * i, 2 * i + 2), 16), "UUID byte");
}

export function readUuid(r: ByteReader, size: 2 | 16, what: string): AttUuid {
  let hex = "";
  for (const b of r.take(size, what).reverse()) hex += b.toString(16).padStart(2, "0");
  if (size === 2) return hex;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
