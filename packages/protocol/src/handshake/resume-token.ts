/**
 * Resume tokens [SEC-4] [SEC-5]: minted and verified by the server; the app
 * treats them as opaque bytes. Layout (spec/DESIGN.md, Security):
 *
 *   u8 version (=1) | session id (16) | u8 len | device id (1..16)
 *   | u64 BE expiry (Unix seconds) | HMAC-SHA256(key, all previous bytes)[0..16)
 *
 * Pure functions: the key and the time are inputs. HMAC is a deterministic
 * computation, not IO. Keys rotate: the first key mints, every key verifies.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const RESUME_TOKEN_VERSION = 1;
export const SESSION_ID_BYTES = 16;
const MAC_BYTES = 16;
const MIN_KEY_BYTES = 16;
const MAX_DEVICE_ID_BYTES = 16;

export type TokenVerdict =
  | { ok: true; sessionId: Uint8Array; expiresAtS: number }
  | { ok: false; reason: "TOKEN_INVALID" | "TOKEN_EXPIRED" };

export interface MintArgs {
  key: Uint8Array;
  sessionId: Uint8Array;
  deviceId: Uint8Array;
  /** First second (Unix time) at which the token no longer resumes. */
  expiresAtS: number;
}

export interface VerifyArgs {
  /** One key, or the rotation list (every key verifies). */
  key: Uint8Array | readonly Uint8Array[];
  token: Uint8Array;
  /** The device the Hello names: a token binds one device [SEC-4]. */
  deviceId: Uint8Array;
  nowS: number;
}

function mac(key: Uint8Array, body: Uint8Array): Uint8Array {
  return createHmac("sha256", key).update(body).digest().subarray(0, MAC_BYTES);
}

function checkKey(key: Uint8Array): void {
  if (key.length < MIN_KEY_BYTES) throw new RangeError(`resume token key of ${key.length} bytes; at least ${MIN_KEY_BYTES}`);
}

export function mintResumeToken({ key, sessionId, deviceId, expiresAtS }: MintArgs): Uint8Array {
  checkKey(key);
  if (sessionId.length !== SESSION_ID_BYTES) throw new RangeError(`session id of ${sessionId.length} bytes; want ${SESSION_ID_BYTES}`);
  if (deviceId.length < 1 || deviceId.length > MAX_DEVICE_ID_BYTES) throw new RangeError(`device id of ${deviceId.length} bytes`);
  if (!Number.isSafeInteger(expiresAtS) || expiresAtS < 0) throw new RangeError(`expiry ${expiresAtS} is not a whole second`);
  const bodyLength = 1 + SESSION_ID_BYTES + 1 + deviceId.length + 8;
  const token = new Uint8Array(bodyLength + MAC_BYTES);
  token[0] = RESUME_TOKEN_VERSION;
  token.set(sessionId, 1);
  token[1 + SESSION_ID_BYTES] = deviceId.length;
  token.set(deviceId, 2 + SESSION_ID_BYTES);
  new DataView(token.buffer).setBigUint64(bodyLength - 8, BigInt(expiresAtS), false);
  token.set(mac(key, token.subarray(0, bodyLength)), bodyLength);
  return token;
}

const INVALID = { ok: false, reason: "TOKEN_INVALID" } as const;

/**
 * Checks, in this order: layout, MAC (constant time, against every key),
 * device binding, expiry. The MAC goes before the expiry so that a forged
 * or altered token is always TOKEN_INVALID, never TOKEN_EXPIRED.
 */
export function verifyResumeToken({ key, token, deviceId, nowS }: VerifyArgs): TokenVerdict {
  const keys: readonly Uint8Array[] = key instanceof Uint8Array ? [key] : key;
  if (token.length < 2 + SESSION_ID_BYTES || token[0] !== RESUME_TOKEN_VERSION) return INVALID;
  const idLength = token[1 + SESSION_ID_BYTES]!;
  const bodyLength = 2 + SESSION_ID_BYTES + idLength + 8;
  if (idLength < 1 || idLength > MAX_DEVICE_ID_BYTES || token.length !== bodyLength + MAC_BYTES) return INVALID;

  const body = token.subarray(0, bodyLength);
  const claimed = token.subarray(bodyLength);
  // No early exit: the time taken does not tell which key (if any) matched.
  let authentic = false;
  for (const k of keys) authentic = timingSafeEqual(mac(k, body), claimed) || authentic;
  if (!authentic) return INVALID;

  const boundTo = token.subarray(2 + SESSION_ID_BYTES, 2 + SESSION_ID_BYTES + idLength);
  if (!sameBytes(boundTo, deviceId)) return INVALID;
  const expiresAtS = Number(new DataView(token.buffer, token.byteOffset).getBigUint64(bodyLength - 8, false));
  if (nowS >= expiresAtS) return { ok: false, reason: "TOKEN_EXPIRED" };
  return { ok: true, sessionId: token.slice(1, 1 + SESSION_ID_BYTES), expiresAtS };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The server's token authority, as ServerHandshake uses it. */
export interface ResumeTokens {
  mint(args: { sessionId: Uint8Array; deviceId: Uint8Array; nowS: number }): { token: Uint8Array; ttlS: number };
  verify(args: { token: Uint8Array; deviceId: Uint8Array; nowS: number }): TokenVerdict;
}

/**
 * HMAC tokens with key rotation: `keys[0]` mints, every key verifies, so a
 * new key can be put first while tokens of the old one live out their TTL.
 */
export function resumeTokenAuthority({ keys, ttlS }: { keys: readonly Uint8Array[]; ttlS: number }): ResumeTokens {
  const [current] = keys;
  if (!current) throw new RangeError("resume token authority without a key");
  keys.forEach(checkKey);
  // resume_ttl_s is a uint32 on the wire [SEC-5].
  if (!Number.isInteger(ttlS) || ttlS < 1 || ttlS > 0xffffffff) throw new RangeError(`resume ttl ${ttlS} s`);
  return {
    mint: ({ sessionId, deviceId, nowS }) => ({
      token: mintResumeToken({ key: current, sessionId, deviceId, expiresAtS: Math.floor(nowS) + ttlS }),
      ttlS,
    }),
    verify: ({ token, deviceId, nowS }) => verifyResumeToken({ key: keys, token, deviceId, nowS }),
  };
}
