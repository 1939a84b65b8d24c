/**
 * Device public keys registered out of band [SEC-9]: the vendor registers
 * each device's Ed25519 key when it provisions the device, and the server
 * verifies that device's event signatures against it, never against a key
 * that reached it through an app. A device with a registered key has every
 * event checked, and a missing signature counts as a bad one [SEC-11]; a
 * device without one is not checked.
 *
 * The file is a JSON object of device id (hex, 1 to 16 bytes) to the
 * 32-byte raw public key (hex, as DeviceInfo.public_key carries it), e.g.
 * `{"d00d0001": "d75a9801...511a"}`.
 */
import type { KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { ed25519PublicKey } from "@ferry/protocol";
import { hex, parseDeviceHex } from "./auth.js";

/** A device id or public key as bytes, or as hex text. */
export type KeyBytes = Uint8Array | string;

export class DeviceKeys {
  readonly #byDevice = new Map<string, KeyObject>();

  /** `entries`: device id -> 32-byte Ed25519 public key. Throws on a bad id or key, or a device named twice. */
  constructor(entries: Iterable<readonly [deviceId: KeyBytes, publicKey: KeyBytes]> = []) {
    for (const [deviceId, publicKey] of entries) this.#add(deviceId, publicKey);
  }

  /** The key registered for a device, or undefined: its events are then not verified. */
  keyFor(deviceId: Uint8Array): KeyObject | undefined {
    return this.#byDevice.get(hex(deviceId));
  }

  get size(): number {
    return this.#byDevice.size;
  }

  /** Parses the registry's JSON text; `source` names it in errors (a file path). */
  static fromJson(text: string, source = "device keys"): DeviceKeys {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(`${source}: not JSON (${(e as Error).message})`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new Error(`${source}: expected a JSON object of device id (hex) -> Ed25519 public key (64 hex digits)`);
    }
    const entries = Object.entries(parsed).map(([device, key]): [string, string] => {
      if (typeof key !== "string") throw new Error(`${source}: device ${device}: the public key must be a string of 64 hex digits`);
      return [device, key];
    });
    try {
      return new DeviceKeys(entries);
    } catch (e) {
      throw new Error(`${source}: ${(e as Error).message}`);
    }
  }

  /** Reads the registry from a JSON file (`--device-keys FILE`). */
  static fromFile(path: string): DeviceKeys {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw new Error(`${path}: ${(e as Error).message}`);
    }
    return DeviceKeys.fromJson(text, path);
  }

  #add(deviceId: KeyBytes, publicKey: KeyBytes): void {
    const id = typeof deviceId === "string" ? parseDeviceHex(deviceId) : deviceId;
    if (id === undefined || id.length < 1 || id.length > 16) {
      throw new Error(`device id ${JSON.stringify(typeof deviceId === "string" ? deviceId : hex(deviceId))} is not 1 to 16 bytes of hex [ID-3]`);
    }
    const name = hex(id);
    if (this.#byDevice.has(name)) throw new Error(`device ${name} is registered twice`);
    const raw = typeof publicKey === "string" ? keyHex(publicKey) : publicKey;
    if (raw === undefined || raw.length !== 32) {
      const got = typeof publicKey === "string" ? `"${publicKey.slice(0, 80)}"` : `${publicKey.length} bytes`;
      throw new Error(`device ${name}: the public key must be 32 bytes (64 hex digits), got ${got} [SEC-9]`);
    }
    this.#byDevice.set(name, ed25519PublicKey(raw));
  }
}

function keyHex(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F]{64}$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, "hex"));
}
