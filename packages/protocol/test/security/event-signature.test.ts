import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeDeviceInfo, decodeMessage } from "../../src/codec/binary.js";
import { ed25519PublicKey, eventSignedBytes, signEvent, verifyEventSignature, type SignedEventId } from "../../src/security/event-signature.js";
import { fromHex, loadVectors } from "../../src/vectors/index.js";
import { VECTOR_DIR } from "../vectors/paths.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const unhex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));

// RFC 8032 section 7.1, test 1: the key pair of the example in chapter 15.3 (never use it in a product).
const RFC_SECRET = unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const RFC_PUBLIC = unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
const rfcPrivate = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), RFC_SECRET]), format: "der", type: "pkcs8" });
const rfcPublic = ed25519PublicKey(RFC_PUBLIC);

const EXAMPLE: SignedEventId = { deviceId: unhex("d00d0001"), epoch: 0x2f6a91c3, stream: 1, seq: 7n };
const SMOKE = new TextEncoder().encode("smoke");
const EXAMPLE_BYTES = "46455252592d4556454e542d5631 04 d00d0001 2f6a91c3 00000001 0000000000000007 736d6f6b65";
const EXAMPLE_SIGNATURE = `5e16dafaf085e3db3f2deac1c45a43ac0997fc13a4202a153def2abe1bcfc4f8
  7270ce148cef34c96e53a8cec2c0434ab0dfcfb8a777855d05f5f5b82604390c`;

const arbId = fc.record({
  deviceId: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  epoch: fc.integer({ min: 1, max: 0xffff_ffff }),
  stream: fc.integer({ min: 0, max: 0xffff_ffff }),
  seq: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
});
const arbPayload = fc.uint8Array({ maxLength: 64 });

describe("device event signatures", () => {
  it("[SEC-8] the signed string of the chapter 15.3 example is its 40 bytes", () => {
    expect(hex(eventSignedBytes(EXAMPLE, SMOKE))).toBe(hex(unhex(EXAMPLE_BYTES)));
  });

  it("[SEC-8] the RFC 8032 test key signs the example to the spec's signature, which verifies [SEC-11]", () => {
    const signature = signEvent(rfcPrivate, EXAMPLE, SMOKE);
    expect(hex(signature)).toBe(hex(unhex(EXAMPLE_SIGNATURE)));
    expect(verifyEventSignature(rfcPublic, EXAMPLE, SMOKE, signature)).toBe(true);
  });

  it("[SEC-8] lays out context | len | device id | epoch | stream | seq, big-endian, then the payload", () => {
    fc.assert(
      fc.property(arbId, arbPayload, (id, payload) => {
        const b = eventSignedBytes(id, payload);
        const n = id.deviceId.length;
        expect(b.length).toBe(14 + 1 + n + 16 + payload.length);
        expect(new TextDecoder().decode(b.subarray(0, 14))).toBe("FERRY-EVENT-V1");
        expect(b[14]).toBe(n);
        expect(b.subarray(15, 15 + n)).toEqual(id.deviceId);
        const view = new DataView(b.buffer, b.byteOffset + 15 + n, 16);
        expect([view.getUint32(0), view.getUint32(4), view.getBigUint64(8)]).toEqual([id.epoch, id.stream, id.seq]);
        expect(b.subarray(15 + n + 16)).toEqual(payload);
      }),
    );
  });

  it("[SEC-8] [SEC-9] events-full-signed verifies under device-info-signed's public key", () => {
    const byName = new Map(loadVectors(VECTOR_DIR).flatMap((f) => f.vectors.map((v) => [v.name, v] as const)));
    const hexOf = (name: string) => {
      const v = byName.get(name);
      if (!v || !("hex" in v)) throw new Error(`no codec vector ${name}`);
      return fromHex(v.hex);
    };
    const key = ed25519PublicKey(decodeDeviceInfo(hexOf("device-info-signed")).publicKey);
    const m = decodeMessage(hexOf("events-full-signed"));
    if (m.type !== "events") throw new Error("events-full-signed is not a run");
    const { epoch, stream, firstSeq, payloads, signatures } = m.events;
    payloads.forEach((p, i) => {
      const id = { deviceId: fromHex("0102030405060708"), epoch, stream, seq: firstSeq + BigInt(i) };
      expect(verifyEventSignature(key, id, p, signatures[i])).toBe(true);
    });
  });

  it("[SEC-8] [SEC-11] a signature verifies only for its own device, epoch, stream, seq and payload", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const { publicKey: otherKey } = generateKeyPairSync("ed25519");
    fc.assert(
      fc.property(arbId, arbPayload, fc.nat(), (id, payload, pick) => {
        const signature = signEvent(privateKey, id, payload);
        expect(verifyEventSignature(publicKey, id, payload, signature)).toBe(true);
        expect(verifyEventSignature(otherKey, id, payload, signature)).toBe(false);
        const moved: SignedEventId[] = [
          { ...id, seq: id.seq ^ 1n },
          { ...id, stream: (id.stream ^ 1) >>> 0 },
          { ...id, epoch: id.epoch === 1 ? 2 : (id.epoch ^ 1) >>> 0 },
          { ...id, deviceId: Uint8Array.from(id.deviceId, (x, i) => (i === 0 ? x ^ 1 : x)) },
        ];
        for (const other of moved) expect(verifyEventSignature(publicKey, other, payload, signature)).toBe(false);
        expect(verifyEventSignature(publicKey, id, Uint8Array.from([...payload, 0]), signature)).toBe(false);
        const flipped = Uint8Array.from(signature);
        flipped[pick % 64]! ^= 1 << (pick % 8);
        expect(verifyEventSignature(publicKey, id, payload, flipped)).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it("[SEC-11] a missing signature, or one not 64 bytes long, does not verify", () => {
    const signature = signEvent(rfcPrivate, EXAMPLE, SMOKE);
    expect(verifyEventSignature(rfcPublic, EXAMPLE, SMOKE, undefined)).toBe(false);
    expect(verifyEventSignature(rfcPublic, EXAMPLE, SMOKE, new Uint8Array(0))).toBe(false);
    expect(verifyEventSignature(rfcPublic, EXAMPLE, SMOKE, signature.subarray(0, 63))).toBe(false);
    expect(verifyEventSignature(rfcPublic, EXAMPLE, SMOKE, Uint8Array.from([...signature, 0]))).toBe(false);
  });

  it("[SEC-8] refuses to sign or verify over epoch 0 (the BLE leg's shorthand) and out-of-range identities", () => {
    expect(() => eventSignedBytes({ ...EXAMPLE, epoch: 0 }, SMOKE)).toThrow(RangeError);
    expect(() => eventSignedBytes({ ...EXAMPLE, deviceId: new Uint8Array(0) }, SMOKE)).toThrow(RangeError);
    expect(() => eventSignedBytes({ ...EXAMPLE, deviceId: new Uint8Array(17) }, SMOKE)).toThrow(RangeError);
    expect(() => eventSignedBytes({ ...EXAMPLE, stream: 2 ** 32 }, SMOKE)).toThrow(RangeError);
    expect(() => eventSignedBytes({ ...EXAMPLE, seq: 1n << 64n }, SMOKE)).toThrow(RangeError);
    expect(() => verifyEventSignature(rfcPublic, { ...EXAMPLE, epoch: 0 }, SMOKE, new Uint8Array(64))).toThrow(RangeError);
  });

  it("[SEC-9] a public key is exactly 32 bytes, and only Ed25519 keys are taken", () => {
    expect(() => ed25519PublicKey(new Uint8Array(31))).toThrow(RangeError);
    expect(() => ed25519PublicKey(new Uint8Array(33))).toThrow(RangeError);
    expect(hex(new Uint8Array(rfcPublic.export({ format: "der", type: "spki" }).subarray(-32)))).toBe(hex(RFC_PUBLIC));
    const ec = createPublicKey(generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "pem", type: "spki" }));
    expect(() => verifyEventSignature(ec, EXAMPLE, SMOKE, new Uint8Array(64))).toThrow(TypeError);
  });
});
