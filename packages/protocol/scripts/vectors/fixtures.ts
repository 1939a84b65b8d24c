/**
 * Fixed, readable values shared by every vector definition, and builders
 * that fill a message's unset fields with their defaults. A vector reader
 * should recognise these values at a glance in hex: the device id counts
 * 01..08, the epoch is 1234abcd, session ids count a0..af and b0..bf.
 */
import { mintResumeToken } from "../../src/handshake/resume-token.js";
import type * as M from "../../src/message.js";
import { fromHex } from "../../src/vectors/hex.js";

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
/** n bytes counting up from `start` (mod 256): recognisable filler. */
export const counting = (n: number, start = 0): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);

export const DEVICE_ID = fromHex("0102030405060708");
export const OTHER_DEVICE_ID = fromHex("0908070605040302");
export const EPOCH = 0x1234abcd;
export const CREDENTIAL = utf8("demo-app-credential");
export const SESSION_A = fromHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
export const SESSION_B = fromHex("b0b1b2b3b4b5b6b7b8b9babbbcbdbebf");

/** Streams of the demo device: heart rate (bulk), audio (realtime), alarm (critical). */
export const STREAM = { samples: 1, audio: 2, alarm: 3 } as const;

/** The server's test key for resume tokens (32 ASCII bytes) and the vectors' clock. */
export const TOKEN_KEY = utf8("ferry-vectors-resume-token-key-1");
export const OTHER_TOKEN_KEY = utf8("a-key-that-is-not-the-servers-!!");
export const NOW_S = 1_800_000_000;
export const TOKEN_TTL_S = 86_400;

/** A token the test server minted for `sessionId`, valid until `expiresAtS`. */
export function token(sessionId: Uint8Array, expiresAtS = NOW_S + TOKEN_TTL_S, key = TOKEN_KEY, deviceId = DEVICE_ID): Uint8Array {
  return mintResumeToken({ key, sessionId, deviceId, expiresAtS });
}

const none = new Uint8Array(0);

export function hello(h: Partial<M.Hello> = {}): M.Hello {
  return { majors: [1], minor: 0, role: "app", deviceId: none, features: 0, credential: none, resumeToken: none, custody: [], maxMessage: 0, wakeBudgetMs: 0, pending: [], ...h };
}

export function welcome(w: Partial<M.Welcome> = {}): M.Welcome {
  return { major: 1, minor: 0, features: 0, sessionId: none, resumeToken: none, resumeTtlS: 0, resumed: false, resumeRefused: 0, custody: [], maxMessage: 0, ...w };
}

export function run(r: Partial<M.EventRun> = {}): M.EventRun {
  return { stream: 0, firstSeq: 0n, priority: "bulk", ttlMs: 0, epoch: 0, payloads: [], signatures: [], ...r };
}

export function streamAck(s: Partial<M.StreamAck> = {}): M.StreamAck {
  return { stream: 0, epoch: 0, nextSeq: 0n, received: [], accounted: [], ...s };
}

export function ack(a: Partial<M.Ack> = {}): M.Ack {
  return { streams: [], scope: "hop", commandsPending: 0, ...a };
}

export function deviceInfo(d: Partial<M.DeviceInfo> = {}): M.DeviceInfo {
  return { majors: [1], minor: 0, features: 0, deviceId: DEVICE_ID, epoch: EPOCH, bufferCapacity: 0, streams: [], maxMessage: 0, publicKey: none, ...d };
}

/** Message constructors, one per body. */
export const msg = {
  hello: (h: Partial<M.Hello> = {}): M.Message => ({ type: "hello", hello: hello(h) }),
  welcome: (w: Partial<M.Welcome> = {}): M.Message => ({ type: "welcome", welcome: welcome(w) }),
  events: (r: Partial<M.EventRun> = {}): M.Message => ({ type: "events", events: run(r) }),
  ack: (a: Partial<M.Ack> = {}): M.Message => ({ type: "ack", ack: ack(a) }),
  accounting: (accounting: M.Accounting): M.Message => ({ type: "accounting", accounting }),
  command: (command: M.Command): M.Message => ({ type: "command", command }),
  commandAck: (commandAck: M.CommandAck): M.Message => ({ type: "commandAck", commandAck }),
  error: (error: M.ErrorMessage): M.Message => ({ type: "error", error }),
  wakeHint: (wakeHint: M.WakeHint): M.Message => ({ type: "wakeHint", wakeHint }),
};

/** The brief's 16-byte bulk sample: stream 1, sequence 1000000 (a 3-byte varint), BLE leg. */
export const BULK_SAMPLE = msg.events({ stream: STREAM.samples, firstSeq: 1_000_000n, payloads: [counting(16, 0x10)] });

/** Sixteen 160-byte audio frames (10 ms of 8 kHz 16-bit PCM each), realtime, 250 ms to live, BLE leg. */
export const AUDIO_FRAMES = Array.from({ length: 16 }, (_, i) => counting(160, i * 160));
export const AUDIO_RUN = msg.events({ stream: STREAM.audio, firstSeq: 4800n, priority: "realtime", ttlMs: 250, payloads: AUDIO_FRAMES });
