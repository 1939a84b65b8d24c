/**
 * FEATURE_SIGNED_EVENTS on the server leg: a `ferry-server` started with
 * `--device-keys` verifies signatures and offers the bit, so the Welcome
 * carries it when the Hello sets it too; one without device keys never
 * does [SEC-14] [VER-7].
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Feature } from "@ferry/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, tempDir, type RunningServer } from "../support/server-process.js";
import { helloMessage, RawClient } from "../support/ws-client.js";
import { DEVICE_PUBLIC_KEY } from "../session/signing.js";

const TOKEN = "app-token";
const KEYED_DEVICE = new Uint8Array([0xd0, 0x0d, 0x00, 0x01]);
const OTHER_DEVICE = new Uint8Array([0x0e, 0x0e]);
const ALL = Feature.signedEvents | Feature.commands | Feature.httpBatch;

let withKeys: RunningServer;
let withoutKeys: RunningServer;
const dirs: string[] = [];
const clients: RawClient[] = [];

beforeAll(async () => {
  const [dir, other] = [tempDir(), tempDir()];
  dirs.push(dir, other);
  const keys = join(dir, "device-keys.json");
  writeFileSync(keys, JSON.stringify({ d00d0001: DEVICE_PUBLIC_KEY }));
  [withKeys, withoutKeys] = await Promise.all([
    startServer(["--token", TOKEN, "--device-keys", keys, "--log-level", "error"], { dir }),
    startServer(["--token", TOKEN, "--log-level", "error"], { dir: other }),
  ]);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all([withKeys?.stop(), withoutKeys?.stop()]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function welcomeFeatures(server: RunningServer, deviceId: Uint8Array, features: number): Promise<number> {
  const c = await RawClient.connect(server.url);
  clients.push(c);
  c.send(helloMessage(deviceId, TOKEN, { features }));
  return (await c.welcome()).features;
}

describe("FEATURE_SIGNED_EVENTS in the Welcome", () => {
  it("[SEC-14] [VER-7] is offered by a server with device keys: the Welcome carries it when the Hello sets it", async () => {
    expect(await welcomeFeatures(withKeys, KEYED_DEVICE, ALL)).toBe(ALL);
    // The server verifies every registered device's events, so any session hears of it.
    expect(await welcomeFeatures(withKeys, OTHER_DEVICE, ALL)).toBe(ALL);
  });

  it("[VER-7] is not in the Welcome when the Hello does not set it, keys or not", async () => {
    expect(await welcomeFeatures(withKeys, KEYED_DEVICE, Feature.commands)).toBe(Feature.commands);
  });

  it("[SEC-14] [VER-7] is never offered by a server without device keys", async () => {
    expect(await welcomeFeatures(withoutKeys, KEYED_DEVICE, ALL)).toBe(Feature.commands | Feature.httpBatch);
  });
});
