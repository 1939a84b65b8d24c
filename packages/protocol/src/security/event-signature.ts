/**
 * Device signatures over events [SEC-8] [SEC-9]: the exact byte string a
 * device signs with Ed25519 (RFC 8032), and signing and verification over
 * it. Pure functions: keys are inputs, nothing is read or remembered.
 *
 *   "FERRY-EVENT-V1" | u8 len(device_id) | device_id
 *   | u32 BE epoch | u32 BE stream | u64 BE seq | payload
 *
 * The epoch is the device's actual epoch, never the 0 an EventRun on the
 * BLE leg may carry, so the signed bytes refuse epoch 0: a signature over it
 * would not bind the event to one sequence space [ID-6].
 */
import { createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { MAX_U64 } from "../message.js";

/** The 14 ASCII bytes that open every signed string [SEC-8]. */
export const EVENT_SIGNATURE_CONTEXT = "FERRY-EVENT-V1";
export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

/** Which event a signature covers: its identity [ID-1], with the real epoch. */
export interface SignedEventId {
  /** The device id of DeviceInfo, 1 to 16 bytes [ID-3]. */
  deviceId: Uint8Array;
  /** The device's actual epoch, 1 to 2^32-1. */
  epoch: number;
  stream: number;
  /** `first_seq` plus the event's index in its run. */
  seq: bigint;
}

const CONTEXT_BYTES = new TextEncoder().encode(EVENT_SIGNATURE_CONTEXT);
// An Ed25519 public key as SPKI DER (RFC 8410): this fixed prefix, then the 32 raw bytes.
const SPKI_ED25519_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

const isU32 = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffff_ffff;

/** [SEC-8] The bytes a device signs for one event. Throws RangeError for an identity that cannot be signed. */
export function eventSignedBytes(id: SignedEventId, payload: Uint8Array): Uint8Array {
  if (id.deviceId.length < 1 || id.deviceId.length > 16) throw new RangeError(`device id of ${id.deviceId.length} bytes; 1 to 16 are signed [ID-3]`);
  if (!isU32(id.epoch) || id.epoch === 0) throw new RangeError(`epoch ${id.epoch}: the signed epoch is the device's actual one, 1 to 2^32-1 [SEC-8]`);
  if (!isU32(id.stream)) throw new RangeError(`stream ${id.stream} is not a uint32`);
  if (id.seq < 0n || id.seq > MAX_U64) throw new RangeError(`seq ${id.seq} is not a uint64`);
  const out = new Uint8Array(CONTEXT_BYTES.length + 1 + id.deviceId.length + 16 + payload.length);
  const view = new DataView(out.buffer);
  out.set(CONTEXT_BYTES);
  let at = CONTEXT_BYTES.length;
  out[at++] = id.deviceId.length;
  out.set(id.deviceId, at);
  at += id.deviceId.length;
  view.setUint32(at, id.epoch);
  view.setUint32(at + 4, id.stream);
  view.setBigUint64(at + 8, id.seq);
  out.set(payload, at + 16);
  return out;
}

/** The 32 raw bytes of DeviceInfo.public_key [SEC-9] as a key node:crypto verifies with. */
export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  if (raw.length !== ED25519_PUBLIC_KEY_BYTES) throw new RangeError(`an Ed25519 public key is ${ED25519_PUBLIC_KEY_BYTES} bytes, not ${raw.length}`);
  const der = new Uint8Array(SPKI_ED25519_PREFIX.length + raw.length);
  der.set(SPKI_ED25519_PREFIX);
  der.set(raw, SPKI_ED25519_PREFIX.length);
  return createPublicKey({ key: Buffer.from(der), format: "der", type: "spki" });
}

/** [SEC-8] A device's signature of one event: 64 bytes. For devices, simulators and tests. */
export function signEvent(privateKey: KeyObject, id: SignedEventId, payload: Uint8Array): Uint8Array {
  requireEd25519(privateKey);
  return new Uint8Array(sign(null, eventSignedBytes(id, payload), privateKey));
}

/**
 * [SEC-11] Whether `signature` is the device's signature of this event under
 * its registered key. A missing signature, or one that is not 64 bytes, does
 * not verify: with a registered key, a stripped signature is a bad one.
 */
export function verifyEventSignature(publicKey: KeyObject, id: SignedEventId, payload: Uint8Array, signature: Uint8Array | undefined): boolean {
  requireEd25519(publicKey);
  if (signature === undefined || signature.length !== ED25519_SIGNATURE_BYTES) return false;
  return verify(null, eventSignedBytes(id, payload), publicKey, signature);
}

// Another key type would make node:crypto pick another algorithm (or throw): a configuration error, not a bad signature.
function requireEd25519(key: KeyObject): void {
  if (key.asymmetricKeyType !== "ed25519") throw new TypeError(`expected an Ed25519 key, got ${key.asymmetricKeyType ?? key.type}`);
}
