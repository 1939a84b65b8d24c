/** Shared builders for the handshake tests: policies, offers, messages. */
import type { DeviceInfo, EventRun, Message, StreamAck, StreamKey } from "../../src/message.js";
import type { Authentication, ClientStart, ServerConfig, ServerLimits } from "../../src/handshake/index.js";
import { Feature } from "../../src/message.js";
import { resumeTokenAuthority } from "../../src/handshake/index.js";

export const KEY_A = new Uint8Array(32).fill(0xa1);
export const KEY_B = new Uint8Array(32).fill(0xb2);
export const DEVICE = new Uint8Array([0xde, 0x71, 0xce, 0x01]);
export const OTHER_DEVICE = new Uint8Array([0xde, 0x71, 0xce, 0x02]);
export const CREDENTIAL = new TextEncoder().encode("app-credential");
/** A monotonic ms reading, for deadlines. */
export const T0 = 1_000;
/** Wall-clock Unix seconds for token expiry (2026-11-22T00:00:00Z). */
export const NOW_S = Date.UTC(2026, 10, 22) / 1000;
export const TTL_S = 3600;

/** Deterministic "random" bytes: a counter, so every session id differs. */
export function counterBytes(): (n: number) => Uint8Array {
  let next = 0;
  return (n) => Uint8Array.from({ length: n }, () => next++ & 0xff);
}

export function emptyAck(key: StreamKey): StreamAck {
  return { ...key, nextSeq: 0n, received: [], accounted: [] };
}

export const SERVER_LIMITS: ServerLimits = {
  majors: [1],
  minor: 0,
  features: Feature.commands | Feature.httpBatch,
  window: { events: 256, bytes: 65536 },
  maxMessage: 1 << 20,
};

/** A server config with a credential that covers DEVICE only and custody from `store`. */
export function serverConfig(overrides: Partial<ServerConfig> = {}, store = new Map<string, StreamAck>()): ServerConfig {
  return {
    authenticate: (credential, deviceId): Authentication => {
      if (new TextDecoder().decode(credential) !== "app-credential") return "auth-failed";
      return deviceId.length === DEVICE.length && deviceId.every((b, i) => b === DEVICE[i]) ? "ok" : "device-not-allowed";
    },
    tokens: resumeTokenAuthority({ keys: [KEY_A], ttlS: TTL_S }),
    custodyOf: (_device, pending) => pending.map((k) => store.get(`${k.stream}/${k.epoch}`) ?? emptyAck(k)),
    randomBytes: counterBytes(),
    limits: SERVER_LIMITS,
    ...overrides,
  };
}

export function clientOffer(overrides: Partial<ClientStart> = {}): ClientStart {
  return {
    deviceId: DEVICE,
    credential: CREDENTIAL,
    pending: [{ stream: 1, epoch: 7 }],
    window: { events: 16, bytes: 4096 },
    maxMessage: 1 << 20,
    wakeBudgetMs: 8000,
    majors: [1],
    minor: 0,
    features: Feature.commands | Feature.signedEvents,
    ...overrides,
  };
}

export function events(stream: number, epoch: number, firstSeq: bigint, count = 1): Message {
  const run: EventRun = {
    stream,
    epoch,
    firstSeq,
    priority: "bulk",
    ttlMs: 0,
    payloads: Array.from({ length: count }, (_, i) => new Uint8Array([i])),
    signatures: [],
  };
  return { type: "events", events: run };
}

export function deviceInfo(overrides: Partial<DeviceInfo> = {}): DeviceInfo {
  return {
    majors: [1],
    minor: 0,
    features: Feature.commands | Feature.wakeHint,
    deviceId: DEVICE,
    epoch: 9,
    bufferCapacity: 4096,
    streams: [
      { stream: 1, priority: "bulk", ttlMs: 0, name: "samples" },
      { stream: 2, priority: "critical", ttlMs: 0, name: "alarm" },
    ],
    maxMessage: 4096,
    publicKey: new Uint8Array(0),
    ...overrides,
  };
}
