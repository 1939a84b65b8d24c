/**
 * The server under test: where it listens, what the run may present to it
 * (setup, like a Bluetooth IXIT), and the optional controls a target offers
 * beyond the wire (the reference server started by the toolkit has all of
 * them; a vendor's server only what its options give).
 */
export interface ServerSetup {
  /** A credential the server accepts for `deviceId`, sent in Hello.credential [SEC-1]. */
  credential: string;
  deviceId: Uint8Array;
  /** A second device the credential covers (tokens of another device [SEC-6]); derived from deviceId unless given. */
  device2: Uint8Array;
  device2Given: boolean;
  /** A device the credential does not cover [SEC-2]; derived from deviceId unless given. */
  foreignDevice: Uint8Array;
  foreignDeviceGiven: boolean;
}

/** One entry of the server's hand-off to the vendor application [LIFE-12]. */
export type HandOff =
  | { kind: "event"; stream: number; seq: bigint; payload: Uint8Array }
  | { kind: "accounted"; stream: number; first: bigint; last: bigint; reason: string };

export interface ServerControls {
  /** Moves the server's clock forward, e.g. past a resume token's expiry [SEC-5]. */
  advanceClock?(ms: number): void;
  /** Queues a command for a device, as the vendor application would [CMD-2]. */
  queueCommand?(deviceId: Uint8Array, payload: Uint8Array, ttlMs: number): Promise<void>;
  /** What the server handed to the vendor application for one device and epoch, in order. */
  deliveries?(deviceId: Uint8Array, epoch: number): Promise<HandOff[]>;
}

export interface ServerTarget {
  role: "server";
  /** WebSocket endpoint, e.g. ws://127.0.0.1:8080/v1/ws */
  url: string;
  /** Base URL of the HTTP batch binding (POST {httpUrl}/v1/batch); absent when unknown. */
  httpUrl?: string | undefined;
  setup: ServerSetup;
  controls: ServerControls;
  /** The reference server the toolkit started itself. */
  reference: boolean;
}

/** The values the reference server started by the toolkit accepts; the defaults for any server. */
export const DEFAULT_SETUP = {
  credential: "ferry-conformance-credential",
  deviceId: "cf00000000000001",
  device2: "cf00000000000002",
  foreignDevice: "cf000000000000ff",
} as const;

export const hexBytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, "hex"));
export const bytesHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** A device id 1 to 16 bytes in hex [ID-3], lowercase or not. */
export function isDeviceHex(text: string): boolean {
  return /^(?:[0-9a-fA-F]{2}){1,16}$/.test(text);
}

/** deviceId with its last byte changed: a likely-distinct id of the same length. */
export function siblingDevice(deviceId: Uint8Array, xor: number): Uint8Array {
  const out = new Uint8Array(deviceId);
  out[out.length - 1] = (out[out.length - 1]! ^ xor) & 0xff;
  return out;
}

/** The WebSocket URL's base as an HTTP URL, when it ends in the suggested /v1/ws [HTTP-1]. */
export function httpBaseOf(wsUrl: string): string | undefined {
  const m = /^(ws|wss):\/\/(.+?)\/v1\/ws\/?$/.exec(wsUrl);
  if (!m) return undefined;
  return `${m[1] === "wss" ? "https" : "http"}://${m[2]}`;
}

export interface SetupInput {
  credential?: string | undefined;
  deviceId?: string | undefined;
  device2?: string | undefined;
  foreignDevice?: string | undefined;
}

export function serverSetup(input: SetupInput): ServerSetup {
  const deviceId = hexBytes(input.deviceId ?? DEFAULT_SETUP.deviceId);
  const defaults = input.deviceId === undefined;
  return {
    credential: input.credential ?? DEFAULT_SETUP.credential,
    deviceId,
    device2: input.device2 ? hexBytes(input.device2) : defaults ? hexBytes(DEFAULT_SETUP.device2) : siblingDevice(deviceId, 0x01),
    device2Given: input.device2 !== undefined,
    foreignDevice: input.foreignDevice ? hexBytes(input.foreignDevice) : defaults ? hexBytes(DEFAULT_SETUP.foreignDevice) : siblingDevice(deviceId, 0xfe),
    foreignDeviceGiven: input.foreignDevice !== undefined,
  };
}
