/**
 * The signed vectors carry real Ed25519 signatures: each signature of
 * events-full-signed verifies under the public key of device-info-signed over
 * the bytes the spec names, so a vendor can test its verifier with them.
 */
import { createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeDeviceInfo, decodeMessage } from "../../src/codec/binary.js";
import { fromHex, loadVectors } from "../../src/vectors/index.js";
import { VECTOR_DIR } from "./paths.js";

const byName = new Map(loadVectors(VECTOR_DIR).flatMap((f) => f.vectors.map((v) => [v.name, v] as const)));
const hexOf = (name: string): string => {
  const v = byName.get(name);
  if (!v || !("hex" in v)) throw new Error(`no codec vector ${name}`);
  return v.hex;
};

/** "FERRY-EVENT-V1" | u8 len(device_id) | device_id | u32 BE epoch | u32 BE stream | u64 BE seq | payload [SEC-8]. */
function signedBytes(deviceId: Uint8Array, epoch: number, stream: number, seq: bigint, payload: Uint8Array): Buffer {
  const ids = Buffer.alloc(16);
  ids.writeUInt32BE(epoch, 0);
  ids.writeUInt32BE(stream, 4);
  ids.writeBigUInt64BE(seq, 8);
  return Buffer.concat([Buffer.from("FERRY-EVENT-V1", "ascii"), Buffer.of(deviceId.length), deviceId, ids, payload]);
}

describe("signed vectors", () => {
  it("[SEC-8] [SEC-9] events-full-signed verifies under device-info-signed's public key, for device 0102030405060708", () => {
    const info = decodeDeviceInfo(fromHex(hexOf("device-info-signed")));
    const m = decodeMessage(fromHex(hexOf("events-full-signed")));
    if (m.type !== "events") throw new Error("events-full-signed is not a run");
    // An Ed25519 public key as SPKI DER: the fixed RFC 8410 prefix, then the 32 raw bytes.
    const key = createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), info.publicKey]), format: "der", type: "spki" });
    const run = m.events;
    const deviceId = fromHex("0102030405060708");
    expect(run.signatures).toHaveLength(run.payloads.length);
    run.payloads.forEach((p, i) => {
      const data = signedBytes(deviceId, run.epoch, run.stream, run.firstSeq + BigInt(i), p);
      expect(verify(null, data, key, run.signatures[i]!)).toBe(true);
      expect(verify(null, Buffer.concat([data, Buffer.of(0)]), key, run.signatures[i]!)).toBe(false);
    });
  });
});
