/**
 * The meaning of Ferry messages: validated, with 64-bit numbers as bigint.
 *
 * The generated codecs (src/generated) read and write the wire form; the codec
 * in src/codec converts between that and these types and refuses illegal
 * values, so code above the codec never sees a range with last < first or a
 * run without payloads. Field names follow spec/proto in lowerCamelCase.
 */

export type Priority = "bulk" | "realtime" | "critical";
export type Reason = "expired" | "overflow" | "rejected" | "lost";
export type Scope = "hop" | "end-to-end";
export type Role = "device" | "app" | "server";
export type CommandOutcome = "received" | "executed" | "expired" | "rejected";

/** Feature bits [VER-7]. */
export const Feature = {
  signedEvents: 1,
  commands: 2,
  wakeHint: 4,
  httpBatch: 8,
} as const;

/** Inclusive sequence range, first <= last [ACK-6]. */
export interface Range {
  first: bigint;
  last: bigint;
}

export interface AccountedRange extends Range {
  reason: Reason;
}

/** Flow-control grant [FLOW-1]. */
export interface Window {
  events: number;
  bytes: number;
}

export interface StreamKey {
  stream: number;
  epoch: number;
}

/** Consecutive events of one stream: Ferry's envelope [ENV-1]. */
export interface EventRun {
  stream: number;
  firstSeq: bigint;
  priority: Priority;
  /** 0 = no expiry [PRIO-5]. */
  ttlMs: number;
  /** 0 on the BLE leg = the device's current epoch [ENV-4]. */
  epoch: number;
  payloads: Uint8Array[];
  /** Empty, or one 64-byte signature per payload [SEC-8]. */
  signatures: Uint8Array[];
}

export interface Accounting {
  stream: number;
  epoch: number;
  ranges: AccountedRange[];
}

export interface WakeHint {
  stream: number;
  seq: bigint;
  summary: Uint8Array;
}

/** A receiver's custody of one stream [ACK-3]. */
export interface StreamAck {
  stream: number;
  epoch: number;
  nextSeq: bigint;
  received: Range[];
  accounted: AccountedRange[];
}

export interface Ack {
  streams: StreamAck[];
  /** Absent: window unchanged [FLOW-3]. */
  window?: Window;
  scope: Scope;
  commandsPending: number;
}

export interface Hello {
  majors: number[];
  minor: number;
  role: Role | "unspecified";
  deviceId: Uint8Array;
  features: number;
  credential: Uint8Array;
  resumeToken: Uint8Array;
  custody: StreamAck[];
  window?: Window;
  maxMessage: number;
  wakeBudgetMs: number;
  pending: StreamKey[];
}

export interface Welcome {
  major: number;
  minor: number;
  features: number;
  sessionId: Uint8Array;
  resumeToken: Uint8Array;
  resumeTtlS: number;
  resumed: boolean;
  /** Error code why an offered token was refused, 0 otherwise [HS-9]. */
  resumeRefused: number;
  custody: StreamAck[];
  window?: Window;
  maxMessage: number;
}

export interface StreamInfo {
  stream: number;
  priority: Priority;
  ttlMs: number;
  name: string;
}

/** Value of the Info characteristic [GATT-6]. */
export interface DeviceInfo {
  majors: number[];
  minor: number;
  features: number;
  deviceId: Uint8Array;
  epoch: number;
  bufferCapacity: number;
  streams: StreamInfo[];
  maxMessage: number;
  publicKey: Uint8Array;
}

export interface Command {
  id: bigint;
  payload: Uint8Array;
  ttlMs: number;
}

export interface CommandAck {
  ids: bigint[];
  outcome: CommandOutcome;
  scope: Scope;
}

export interface StreamRef {
  stream: number;
  epoch: number;
  seq: bigint;
}

export interface ErrorMessage {
  code: number;
  detail: string;
  stream?: StreamRef;
}

/** One Ferry message: one BLE SDU, one WebSocket frame, one batch entry [ENV-7]. */
export type Message =
  | { type: "hello"; hello: Hello }
  | { type: "welcome"; welcome: Welcome }
  | { type: "events"; events: EventRun }
  | { type: "ack"; ack: Ack }
  | { type: "accounting"; accounting: Accounting }
  | { type: "command"; command: Command }
  | { type: "commandAck"; commandAck: CommandAck }
  | { type: "error"; error: ErrorMessage }
  | { type: "wakeHint"; wakeHint: WakeHint };

export type MessageType = Message["type"];

/** Body of an HTTP batch POST [HTTP-2]. */
export interface Batch {
  hello: Hello;
  messages: Message[];
}

export const MAX_U64 = (1n << 64n) - 1n;
