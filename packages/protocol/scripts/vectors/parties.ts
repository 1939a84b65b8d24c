/**
 * The parties of the exchange vectors, fixed so that a reader can follow
 * them and a test can replay them against the handshake machines: the demo
 * device (DeviceInfo device-info-demo), an app, and a server whose random
 * source yields session id b0..bf and whose token key is TOKEN_KEY.
 */
import type * as M from "../../src/message.js";
import { counting, CREDENTIAL, DEVICE_ID, deviceInfo, EPOCH, hello, NOW_S, SESSION_B, STREAM, streamAck, TOKEN_TTL_S, utf8, welcome } from "./fixtures.js";

export const SERVER = {
  majors: [1],
  minor: 0,
  /** FEATURE_COMMANDS | FEATURE_HTTP_BATCH */
  features: 2 | 8,
  window: { events: 1024, bytes: 1048576 },
  maxMessage: 1048576,
  /** What the server's CSPRNG yields for a fresh session in these vectors. */
  freshSessionId: SESSION_B,
} as const;

/** The demo device's Info, its grant for commands, and the app's GATT settings. */
export const DEVICE_INFO: M.DeviceInfo = deviceInfo({
  features: 2,
  bufferCapacity: 4096,
  maxMessage: 512,
  streams: [
    { stream: STREAM.samples, priority: "bulk", ttlMs: 0, name: "heart-rate" },
    { stream: STREAM.audio, priority: "realtime", ttlMs: 250, name: "audio" },
    { stream: STREAM.alarm, priority: "critical", ttlMs: 0, name: "alarm" },
  ],
});
export const DEVICE_WINDOW: M.Window = { events: 4, bytes: 512 };
/** Apps announce max_message 16383 on the BLE leg [ENV-9]. */
export const APP_GATT = { majors: [1], minor: 0, features: 2, window: { events: 64, bytes: 16384 }, maxMessage: 16383 } as const;

/** The app's Hello to the server: the demo device, the demo credential, commands and HTTP batch. */
export function serverHello(h: Partial<M.Hello> = {}): M.Hello {
  return hello({ deviceId: DEVICE_ID, credential: CREDENTIAL, features: 2 | 8, window: { events: 16, bytes: 16384 }, ...h });
}

/** The server's Welcome as SERVER configures it; the token is minted at `nowS`. */
export function serverWelcome(w: Partial<M.Welcome> & Pick<M.Welcome, "sessionId" | "resumeToken">): M.Welcome {
  return welcome({ major: 1, minor: 0, features: SERVER.features, resumeTtlS: TOKEN_TTL_S, window: SERVER.window, maxMessage: SERVER.maxMessage, ...w });
}

/** The device's Welcome on the GATT leg: no session, no token, no custody [DHS-4]. */
export function deviceWelcome(): M.Welcome {
  return welcome({ major: 1, minor: 0, features: APP_GATT.features & DEVICE_INFO.features, window: DEVICE_WINDOW, maxMessage: DEVICE_INFO.maxMessage });
}

/** The app's Hello to the device, with its stored custody of the current epoch. */
export function gattHello(custody: M.StreamAck[], wakeBudgetMs = 0): M.Hello {
  return hello({ majors: [...APP_GATT.majors], features: APP_GATT.features, window: APP_GATT.window, maxMessage: APP_GATT.maxMessage, custody, wakeBudgetMs });
}

/** Wall-clock seconds of a resume: an hour after the token was minted (at NOW_S). */
export const RESUME_S = NOW_S + 3600;

export const ALARM_1 = utf8("smoke:kitchen");
export const ALARM_2 = utf8("smoke:hall");
/** Heart-rate samples: 4 bytes each, counting from 4*seq. */
export const samples = (first: number, n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => counting(4, 4 * (first + i)));
export const custodyOf = (stream: number, nextSeq: bigint, epoch = EPOCH): M.StreamAck => streamAck({ stream, epoch, nextSeq });
