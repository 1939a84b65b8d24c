/**
 * Wire objects (generated codec output) to validated messages. Every field
 * rule a decoder can check without session context is checked here, so an
 * illegal value never reaches the core [ERR-2].
 */
import type { ferry } from "../generated/ferry.js";
import { ProtocolError } from "../errors.js";
import type * as M from "../message.js";
import { MAX_U64 } from "../message.js";
import { OUTCOME, PRIORITY, REASON, ROLE, SCOPE } from "./enums.js";
import { toBigInt } from "./u64.js";

// A plain copy: the generated decoder returns Buffer views into its input,
// which the caller may reuse (a reassembly buffer, a socket chunk).
const bytes = (b: Uint8Array | null | undefined): Uint8Array => (b ? new Uint8Array(b) : new Uint8Array(0));
const u32 = (n: number | null | undefined): number => n ?? 0;

function invalid(detail: string): never {
  throw new ProtocolError("INVALID_FIELD", detail);
}

export function range(w: ferry.v1.IRange): M.Range {
  const first = toBigInt(w.first as never);
  const last = toBigInt(w.last as never);
  // [ACK-6] inclusive ranges with first <= last.
  if (last < first) invalid(`range ${first}..${last} has last < first`);
  return { first, last };
}

export function accountedRange(w: ferry.v1.IAccountedRange): M.AccountedRange {
  return { ...range(w), reason: REASON.name(w.reason) };
}

export function window(w: ferry.v1.IWindow | null | undefined): M.Window | undefined {
  return w ? { events: u32(w.events), bytes: u32(w.bytes) } : undefined;
}

export function streamKey(w: ferry.v1.IStreamKey): M.StreamKey {
  return { stream: u32(w.stream), epoch: u32(w.epoch) };
}

export function streamAck(w: ferry.v1.IStreamAck): M.StreamAck {
  const nextSeq = toBigInt(w.nextSeq as never);
  const received = (w.received ?? []).map(range);
  // [ACK-6] selective ranges: above next_seq, ascending, disjoint, not adjacent.
  let floor = nextSeq;
  for (const r of received) {
    if (r.first <= floor) invalid(`selective range ${r.first}..${r.last} is not above ${floor}`);
    floor = r.last + 1n;
  }
  return {
    stream: u32(w.stream),
    epoch: u32(w.epoch),
    nextSeq,
    received,
    accounted: (w.accounted ?? []).map(accountedRange),
  };
}

export function eventRun(w: ferry.v1.IEventRun): M.EventRun {
  const payloads = (w.payloads ?? []).map(bytes);
  const signatures = (w.signatures ?? []).map(bytes);
  const firstSeq = toBigInt(w.firstSeq as never);
  // [ENV-2] a run carries at least one event.
  if (payloads.length === 0) invalid("event run without payloads");
  // [ID-5] sequence numbers stop at 2^64-2, so next_seq = 2^64-1 can acknowledge them all.
  if (firstSeq + BigInt(payloads.length) - 1n >= MAX_U64) invalid("event run passes the largest sequence number");
  // [SEC-8] signatures: none, or one 64-byte Ed25519 signature per payload.
  if (signatures.length !== 0 && signatures.length !== payloads.length) invalid("signature count differs from payload count");
  if (signatures.some((s) => s.length !== 64)) invalid("signature is not 64 bytes");
  return {
    stream: u32(w.stream),
    firstSeq,
    priority: PRIORITY.name(w.priority),
    ttlMs: u32(w.ttlMs),
    epoch: u32(w.epoch),
    payloads,
    signatures,
  };
}

export function accounting(w: ferry.v1.IAccounting): M.Accounting {
  const ranges = (w.ranges ?? []).map(accountedRange);
  if (ranges.length === 0) invalid("accounting without ranges");
  // [ENV-11] ranges ascend and are disjoint.
  ranges.reduce((prev, r) => {
    if (r.first <= prev.last) invalid(`accounted range ${r.first}..${r.last} does not follow ${prev.first}..${prev.last}`);
    return r;
  });
  return { stream: u32(w.stream), epoch: u32(w.epoch), ranges };
}

export function ack(w: ferry.v1.IAck): M.Ack {
  const win = window(w.window);
  return {
    streams: (w.streams ?? []).map(streamAck),
    ...(win ? { window: win } : {}),
    scope: SCOPE.name(w.scope),
    commandsPending: u32(w.commandsPending),
  };
}

function deviceId(b: Uint8Array | null | undefined, required: boolean): Uint8Array {
  const id = bytes(b);
  // [ID-3] device ids are 1 to 16 bytes.
  if (id.length > 16 || (required && id.length === 0)) invalid(`device id of ${id.length} bytes`);
  return id;
}

export function hello(w: ferry.v1.IHello): M.Hello {
  const majors = w.majors ?? [];
  // [VER-2] a Hello lists at least one major.
  if (majors.length === 0) invalid("hello lists no protocol major");
  const win = window(w.window);
  return {
    majors,
    minor: u32(w.minor),
    role: ROLE.name(w.role),
    deviceId: deviceId(w.deviceId, false),
    features: u32(w.features),
    credential: bytes(w.credential),
    resumeToken: bytes(w.resumeToken),
    custody: (w.custody ?? []).map(streamAck),
    ...(win ? { window: win } : {}),
    maxMessage: u32(w.maxMessage),
    wakeBudgetMs: u32(w.wakeBudgetMs),
    pending: (w.pending ?? []).map(streamKey),
  };
}

export function welcome(w: ferry.v1.IWelcome): M.Welcome {
  const win = window(w.window);
  return {
    major: u32(w.major),
    minor: u32(w.minor),
    features: u32(w.features),
    sessionId: bytes(w.sessionId),
    resumeToken: bytes(w.resumeToken),
    resumeTtlS: u32(w.resumeTtlS),
    resumed: w.resumed ?? false,
    resumeRefused: u32(w.resumeRefused),
    custody: (w.custody ?? []).map(streamAck),
    ...(win ? { window: win } : {}),
    maxMessage: u32(w.maxMessage),
  };
}

export function command(w: ferry.v1.ICommand): M.Command {
  return { id: toBigInt(w.id as never), payload: bytes(w.payload), ttlMs: u32(w.ttlMs) };
}

export function commandAck(w: ferry.v1.ICommandAck): M.CommandAck {
  return { ids: (w.ids ?? []).map((id) => toBigInt(id as never)), outcome: OUTCOME.name(w.outcome), scope: SCOPE.name(w.scope) };
}

export function error(w: ferry.v1.IError): M.ErrorMessage {
  const s = w.stream;
  return {
    code: u32(w.code),
    detail: w.detail ?? "",
    ...(s ? { stream: { stream: u32(s.stream), epoch: u32(s.epoch), seq: toBigInt(s.seq as never) } } : {}),
  };
}

export function wakeHint(w: ferry.v1.IWakeHint): M.WakeHint {
  const summary = bytes(w.summary);
  // [LIFE-15] a wake hint's summary is at most 64 bytes.
  if (summary.length > 64) invalid("wake hint summary over 64 bytes");
  return { stream: u32(w.stream), seq: toBigInt(w.seq as never), summary };
}

export function deviceInfo(w: ferry.v1.IDeviceInfo): M.DeviceInfo {
  // [ID-2] the epoch is never 0.
  if (!w.epoch) invalid("device info with epoch 0");
  const publicKey = bytes(w.publicKey);
  // [SEC-9] an Ed25519 public key is 32 bytes; empty when the device does not sign.
  if (publicKey.length !== 0 && publicKey.length !== 32) invalid(`public key of ${publicKey.length} bytes`);
  return {
    majors: w.majors ?? [],
    minor: u32(w.minor),
    features: u32(w.features),
    deviceId: deviceId(w.deviceId, true),
    epoch: u32(w.epoch),
    bufferCapacity: u32(w.bufferCapacity),
    streams: (w.streams ?? []).map((s) => ({ stream: u32(s.stream), priority: PRIORITY.name(s.priority), ttlMs: u32(s.ttlMs), name: s.name ?? "" })),
    maxMessage: u32(w.maxMessage),
    publicKey,
  };
}

export function message(w: ferry.v1.Message): M.Message {
  switch (w.body) {
    case "hello": return { type: "hello", hello: hello(w.hello!) };
    case "welcome": return { type: "welcome", welcome: welcome(w.welcome!) };
    case "events": return { type: "events", events: eventRun(w.events!) };
    case "ack": return { type: "ack", ack: ack(w.ack!) };
    case "accounting": return { type: "accounting", accounting: accounting(w.accounting!) };
    case "command": return { type: "command", command: command(w.command!) };
    case "commandAck": return { type: "commandAck", commandAck: commandAck(w.commandAck!) };
    case "error": return { type: "error", error: error(w.error!) };
    case "wakeHint": return { type: "wakeHint", wakeHint: wakeHint(w.wakeHint!) };
    default: throw new ProtocolError("UNKNOWN_MESSAGE", "message body unknown to this version");
  }
}
