import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DeviceKeys } from "../src/device-keys.js";

const KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const raw = (k: { export(o: { format: "der"; type: "spki" }): Buffer } | undefined) => k && Buffer.from(k.export({ format: "der", type: "spki" }).subarray(-32)).toString("hex");

describe("device key registry", () => {
  it("[SEC-9] gives the registered Ed25519 key for a device, and none for another", () => {
    const keys = DeviceKeys.fromJson(JSON.stringify({ D00D0001: KEY }));
    expect(keys.size).toBe(1);
    expect(keys.keyFor(new Uint8Array([0xd0, 0x0d, 0x00, 0x01]))?.asymmetricKeyType).toBe("ed25519");
    expect(raw(keys.keyFor(new Uint8Array([0xd0, 0x0d, 0x00, 0x01])))).toBe(KEY);
    expect(keys.keyFor(new Uint8Array([0xd0, 0x0d]))).toBeUndefined();
  });

  it("[SEC-9] is built in memory from bytes or hex", () => {
    const keys = new DeviceKeys([
      [new Uint8Array([1, 2]), Buffer.from(KEY, "hex")],
      ["0304", KEY],
    ]);
    expect(keys.size).toBe(2);
    expect(raw(keys.keyFor(new Uint8Array([3, 4])))).toBe(KEY);
    expect(new DeviceKeys().keyFor(new Uint8Array([1]))).toBeUndefined();
  });

  it("refuses bad device ids, bad keys and a device named twice, saying which", () => {
    const bad = (o: unknown) => () => DeviceKeys.fromJson(JSON.stringify(o), "keys.json");
    expect(bad([])).toThrow(/keys\.json: expected a JSON object/);
    expect(bad({ "0g": KEY })).toThrow(/keys\.json: device id "0g" is not 1 to 16 bytes of hex/);
    expect(bad({ "": KEY })).toThrow(/device id "" is not/);
    expect(bad({ ["00".repeat(17)]: KEY })).toThrow(/is not 1 to 16 bytes/);
    expect(bad({ "01": KEY.slice(2) })).toThrow(/keys\.json: device 01: the public key must be 32 bytes \(64 hex digits\)/);
    expect(bad({ "01": `${KEY}00` })).toThrow(/must be 32 bytes/);
    expect(bad({ "01": KEY.replace("d", "z") })).toThrow(/must be 32 bytes/);
    expect(bad({ "01": 7 })).toThrow(/device 01: the public key must be a string/);
    expect(bad({ ab: KEY, AB: KEY })).toThrow(/device ab is registered twice/);
    expect(() => DeviceKeys.fromJson("{", "keys.json")).toThrow(/keys\.json: not JSON/);
    expect(() => new DeviceKeys([[new Uint8Array(0), KEY]])).toThrow(/is not 1 to 16 bytes/);
    expect(() => new DeviceKeys([["01", new Uint8Array(31)]])).toThrow(/got 31 bytes/);
  });

  it("reads a JSON file, naming it in errors", () => {
    const dir = mkdtempSync(join(tmpdir(), "ferry-keys-"));
    try {
      const file = join(dir, "device-keys.json");
      writeFileSync(file, JSON.stringify({ d00d0001: KEY }));
      expect(DeviceKeys.fromFile(file).size).toBe(1);
      writeFileSync(file, JSON.stringify({ d00d0001: "nope" }));
      expect(() => DeviceKeys.fromFile(file)).toThrow(new RegExp(`^${file}: device d00d0001`));
      expect(() => DeviceKeys.fromFile(join(dir, "missing.json"))).toThrow(/missing\.json: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
