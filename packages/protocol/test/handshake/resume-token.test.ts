import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mintResumeToken, resumeTokenAuthority, verifyResumeToken } from "../../src/handshake/index.js";
import { DEVICE, KEY_A, KEY_B, OTHER_DEVICE } from "./fixtures.js";

const SESSION = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const arbDeviceId = fc.uint8Array({ minLength: 1, maxLength: 16 });
const arbSession = fc.uint8Array({ minLength: 16, maxLength: 16 });
const arbKey = fc.uint8Array({ minLength: 16, maxLength: 64 });
const arbExpiry = fc.integer({ min: 1, max: 2 ** 40 });

describe("resume tokens", () => {
  it("[SEC-4] lays out version | session id | device id | expiry | truncated HMAC", () => {
    const token = mintResumeToken({ key: KEY_A, sessionId: SESSION, deviceId: DEVICE, expiresAtS: 0x0102030405 });
    expect(token.length).toBe(1 + 16 + 1 + DEVICE.length + 8 + 16);
    expect(token[0]).toBe(1);
    expect(token.subarray(1, 17)).toEqual(SESSION);
    expect(token[17]).toBe(DEVICE.length);
    expect(token.subarray(18, 18 + DEVICE.length)).toEqual(DEVICE);
    expect([...token.subarray(22, 30)]).toEqual([0, 0, 0, 1, 2, 3, 4, 5]);
    const mac = createHmac("sha256", KEY_A).update(token.subarray(0, 30)).digest().subarray(0, 16);
    expect(token.subarray(30)).toEqual(new Uint8Array(mac));
  });

  it("[SEC-4] a minted token verifies for its device and gives back its session", () => {
    fc.assert(
      fc.property(arbKey, arbSession, arbDeviceId, arbExpiry, fc.nat(), (key, sessionId, deviceId, expiresAtS, before) => {
        const token = mintResumeToken({ key, sessionId, deviceId, expiresAtS });
        const nowS = Math.max(0, expiresAtS - 1 - before);
        expect(verifyResumeToken({ key, token, deviceId, nowS })).toEqual({ ok: true, sessionId, expiresAtS });
      }),
    );
  });

  it("[SEC-4] flipping any bit makes the token TOKEN_INVALID, never expired or valid", () => {
    fc.assert(
      fc.property(arbKey, arbSession, arbDeviceId, arbExpiry, fc.nat(), fc.boolean(), (key, sessionId, deviceId, expiresAtS, bit, late) => {
        const token = mintResumeToken({ key, sessionId, deviceId, expiresAtS });
        const forged = token.slice();
        const at = bit % (token.length * 8);
        forged[at >> 3]! ^= 1 << (at & 7);
        // Even past the expiry, a forged token reads as forged.
        const nowS = late ? expiresAtS + 10 : 0;
        expect(verifyResumeToken({ key, token: forged, deviceId, nowS })).toEqual({ ok: false, reason: "TOKEN_INVALID" });
      }),
    );
  });

  it("[SEC-4] random bytes, truncated and extended tokens are TOKEN_INVALID", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        expect(verifyResumeToken({ key: KEY_A, token: bytes, deviceId: DEVICE, nowS: 0 })).toEqual({ ok: false, reason: "TOKEN_INVALID" });
      }),
    );
    const token = mintResumeToken({ key: KEY_A, sessionId: SESSION, deviceId: DEVICE, expiresAtS: 100 });
    for (const t of [token.subarray(0, token.length - 1), Uint8Array.from([...token, 0]), new Uint8Array(0)]) {
      expect(verifyResumeToken({ key: KEY_A, token: t, deviceId: DEVICE, nowS: 0 }).ok).toBe(false);
    }
  });

  it("[SEC-4] a token is bound to its device", () => {
    const token = mintResumeToken({ key: KEY_A, sessionId: SESSION, deviceId: DEVICE, expiresAtS: 100 });
    expect(verifyResumeToken({ key: KEY_A, token, deviceId: OTHER_DEVICE, nowS: 0 })).toEqual({ ok: false, reason: "TOKEN_INVALID" });
  });

  it("[SEC-4] a token minted with another key is TOKEN_INVALID", () => {
    const token = mintResumeToken({ key: KEY_B, sessionId: SESSION, deviceId: DEVICE, expiresAtS: 100 });
    expect(verifyResumeToken({ key: KEY_A, token, deviceId: DEVICE, nowS: 0 })).toEqual({ ok: false, reason: "TOKEN_INVALID" });
  });

  it("[SEC-5] a token resumes until its expiry second, then is TOKEN_EXPIRED", () => {
    const token = mintResumeToken({ key: KEY_A, sessionId: SESSION, deviceId: DEVICE, expiresAtS: 1000 });
    expect(verifyResumeToken({ key: KEY_A, token, deviceId: DEVICE, nowS: 999.999 }).ok).toBe(true);
    expect(verifyResumeToken({ key: KEY_A, token, deviceId: DEVICE, nowS: 1000 })).toEqual({ ok: false, reason: "TOKEN_EXPIRED" });
  });

  it("[SEC-4] key rotation: the first key mints, every listed key verifies", () => {
    const before = resumeTokenAuthority({ keys: [KEY_A], ttlS: 60 });
    const during = resumeTokenAuthority({ keys: [KEY_B, KEY_A], ttlS: 60 });
    const after = resumeTokenAuthority({ keys: [KEY_B], ttlS: 60 });
    const old = before.mint({ sessionId: SESSION, deviceId: DEVICE, nowS: 0 });
    const fresh = during.mint({ sessionId: SESSION, deviceId: DEVICE, nowS: 0 });
    expect(old.ttlS).toBe(60);
    expect(during.verify({ token: old.token, deviceId: DEVICE, nowS: 10 }).ok).toBe(true);
    expect(during.verify({ token: fresh.token, deviceId: DEVICE, nowS: 10 }).ok).toBe(true);
    expect(before.verify({ token: fresh.token, deviceId: DEVICE, nowS: 10 }).ok).toBe(false);
    expect(after.verify({ token: old.token, deviceId: DEVICE, nowS: 10 })).toEqual({ ok: false, reason: "TOKEN_INVALID" });
    expect(after.verify({ token: fresh.token, deviceId: DEVICE, nowS: 60 })).toEqual({ ok: false, reason: "TOKEN_EXPIRED" });
  });

  it("refuses to mint with a short key, a wrong-sized session id or a bad expiry (local misuse)", () => {
    expect(() => mintResumeToken({ key: new Uint8Array(8), sessionId: SESSION, deviceId: DEVICE, expiresAtS: 1 })).toThrow(RangeError);
    expect(() => mintResumeToken({ key: KEY_A, sessionId: new Uint8Array(8), deviceId: DEVICE, expiresAtS: 1 })).toThrow(RangeError);
    expect(() => mintResumeToken({ key: KEY_A, sessionId: SESSION, deviceId: new Uint8Array(0), expiresAtS: 1 })).toThrow(RangeError);
    expect(() => mintResumeToken({ key: KEY_A, sessionId: SESSION, deviceId: DEVICE, expiresAtS: 1.5 })).toThrow(RangeError);
    expect(() => resumeTokenAuthority({ keys: [], ttlS: 60 })).toThrow(RangeError);
    expect(() => resumeTokenAuthority({ keys: [KEY_A], ttlS: 0 })).toThrow(RangeError);
  });
});
