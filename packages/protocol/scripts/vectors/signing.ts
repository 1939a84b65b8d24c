/**
 * Real Ed25519 device signatures for the vectors [SEC-8], from a fixed test
 * key, so a vendor can check its verifier against them. Ed25519 signing is
 * deterministic: the same key and event give the same 64 bytes every run.
 *
 * Signed bytes: "FERRY-EVENT-V1" | u8 len(device_id) | device_id
 *   | u32 BE epoch | u32 BE stream | u64 BE seq | payload
 */
import { createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";
import { utf8 } from "./fixtures.js";

/** The test device's 32-byte Ed25519 seed (private key). */
export const SIGNING_SEED = utf8("ferry-vectors-device-signing-k01");

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410), which node:crypto imports.
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const privateKey: KeyObject = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, SIGNING_SEED]), format: "der", type: "pkcs8" });

/** The raw 32-byte public key, as DeviceInfo.public_key carries it [SEC-9]. */
export const PUBLIC_KEY: Uint8Array = new Uint8Array(createPublicKey(privateKey).export({ format: "der", type: "spki" }).subarray(-32));

export interface EventIdentity {
  deviceId: Uint8Array;
  epoch: number;
  stream: number;
  seq: bigint;
}

export function signedBytes(id: EventIdentity, payload: Uint8Array): Uint8Array {
  const head = utf8("FERRY-EVENT-V1");
  const out = new Uint8Array(head.length + 1 + id.deviceId.length + 16 + payload.length);
  const view = new DataView(out.buffer);
  out.set(head);
  let at = head.length;
  out[at++] = id.deviceId.length;
  out.set(id.deviceId, at);
  at += id.deviceId.length;
  view.setUint32(at, id.epoch);
  view.setUint32(at + 4, id.stream);
  view.setBigUint64(at + 8, id.seq);
  out.set(payload, at + 16);
  return out;
}

export function signEvent(id: EventIdentity, payload: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, signedBytes(id, payload), privateKey));
}
