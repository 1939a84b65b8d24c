/**
 * Credentials of apps and hubs [SEC-1] [SEC-2]: opaque bearer tokens, each
 * bound to a set of device ids (or to every device, "*", for demos and
 * trusted backends). A token travels as `Hello.credential` (its UTF-8
 * bytes) or as an `Authorization: Bearer` header [HTTP-6].
 *
 * Lookup goes through the SHA-256 digest of the presented credential, so
 * no comparison ever runs over secret bytes: the time taken does not depend
 * on how much of a guess matched. The admin token is compared with
 * timingSafeEqual over digests for the same reason.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Authentication } from "@ferry/protocol";

export type DeviceSet = "*" | ReadonlySet<string>;

const digest = (bytes: Uint8Array | string): Buffer => createHash("sha256").update(bytes).digest();

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

/** A device id in hex: 1 to 16 bytes [ID-3]. */
export function parseDeviceHex(text: string): Uint8Array | undefined {
  if (!/^([0-9a-fA-F]{2}){1,16}$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, "hex"));
}

export class Credentials {
  readonly #byDigest = new Map<string, DeviceSet>();

  /** `tokens`: token text -> device ids in hex, or "*" for every device. */
  constructor(tokens: Iterable<[string, DeviceSet]> = []) {
    for (const [token, devices] of tokens) this.add(token, devices);
  }

  add(token: string, devices: DeviceSet): void {
    if (token.length === 0) throw new RangeError("empty credential");
    const set = devices === "*" ? "*" : new Set([...devices].map((d) => d.toLowerCase()));
    this.#byDigest.set(digest(token).toString("hex"), set);
  }

  get size(): number {
    return this.#byDigest.size;
  }

  /** [SEC-1] [SEC-2] [HS-13] the credential first, then whether it covers the device. */
  authenticate(credential: Uint8Array, deviceId: Uint8Array): Authentication {
    if (credential.length === 0) return "auth-failed";
    const devices = this.#byDigest.get(digest(credential).toString("hex"));
    if (devices === undefined) return "auth-failed";
    if (devices !== "*" && !devices.has(hex(deviceId))) return "device-not-allowed";
    return "ok";
  }

  /**
   * Reads a tokens file: a JSON object mapping each token to an array of
   * device ids in hex, or to "*" for every device, e.g.
   * `{"app-token-1": ["0a0b0c0d"], "backend": "*"}`.
   */
  static fromFile(path: string): Credentials {
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error(`${path}: expected a JSON object of token -> device ids`);
    const entries: [string, DeviceSet][] = [];
    for (const [token, devices] of Object.entries(parsed)) {
      if (devices === "*") entries.push([token, "*"]);
      else if (Array.isArray(devices) && devices.every((d) => typeof d === "string" && parseDeviceHex(d))) entries.push([token, new Set(devices as string[])]);
      else throw new Error(`${path}: token entry must map to "*" or an array of hex device ids (1 to 16 bytes)`);
    }
    return new Credentials(entries);
  }
}

/** Constant-time check of a presented admin bearer token. */
export function isAdminToken(presented: string | undefined, adminToken: string | undefined): boolean {
  if (adminToken === undefined || presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(adminToken));
}

/** The token of an `Authorization: Bearer` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = header?.match(/^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)\s*$/i);
  return m?.[1];
}
