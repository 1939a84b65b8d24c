/**
 * The reference server, started in process by the toolkit when no server is
 * given: a FerryServer on an ephemeral loopback port with a temporary SQLite
 * file, accepting DEFAULT_SETUP's credential for two devices, with every
 * control (its clock, its command queue, its hand-off log) open to the cases.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Credentials, FerryServer, silentLogger } from "@ferry/reference-server";
import type { Ics } from "../ics/types.js";
import { DEFAULT_SETUP, serverSetup, type HandOff, type ServerTarget } from "./server-target.js";
import type { Running } from "./running.js";

/** Flood limit of the started server: well above the floor of [WS-9], low enough to flood quickly. */
const FLOOD = { intervalMs: 10_000, messages: 2_000, bytes: 64 * 1024 * 1024 };

/** What the reference server declares [CONF-1]. */
export const REFERENCE_SERVER_ICS: Ics = {
  protocol: "1.0",
  implementation: { name: "Ferry reference server", vendor: "Ferry", version: "0.1.0" },
  roles: ["server"],
  features: ["commands", "http-batch"],
  bindings: ["websocket", "http-batch"],
  limits: { maxMessage: 1_048_576, window: { events: 1024, bytes: 1_048_576 } },
  setup: { credential: DEFAULT_SETUP.credential, deviceId: DEFAULT_SETUP.deviceId },
};

export async function startReferenceServer(): Promise<Running<ServerTarget>> {
  const dir = mkdtempSync(join(tmpdir(), "ferry-conformance-"));
  let offsetMs = 0;
  let server: FerryServer;
  try {
    server = await FerryServer.start({
      port: 0,
      host: "127.0.0.1",
      dbPath: join(dir, "ferry.db"),
      credentials: new Credentials([[DEFAULT_SETUP.credential, new Set([DEFAULT_SETUP.deviceId, DEFAULT_SETUP.device2])]]),
      flood: FLOOD,
      logger: silentLogger,
      now: () => Date.now() + offsetMs,
      shutdownGraceMs: 500,
    });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const setup = { ...serverSetup({}), device2Given: true, foreignDeviceGiven: true };
  const target: ServerTarget = {
    role: "server",
    url: server.url,
    httpUrl: server.httpUrl,
    setup,
    reference: true,
    controls: {
      advanceClock: (ms) => void (offsetMs += ms),
      queueCommand: async (deviceId, payload, ttlMs) => void (await server.enqueueCommand(deviceId, payload, ttlMs)),
      deliveries: async (deviceId, epoch) => {
        const out: HandOff[] = [];
        const want = Buffer.from(deviceId);
        for (let cursor = 0n; ; ) {
          const page = await server.store.readDeliveries(cursor, 1000);
          if (page.length === 0) return out;
          for (const d of page) {
            cursor = d.position;
            if (d.epoch !== epoch || !want.equals(d.deviceId)) continue;
            out.push(d.kind === "event" ? { kind: "event", stream: d.stream, seq: d.seq, payload: d.payload } : { kind: "accounted", stream: d.stream, first: d.first, last: d.last, reason: d.reason });
          }
        }
      },
    },
  };
  return {
    target,
    ics: REFERENCE_SERVER_ICS,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

