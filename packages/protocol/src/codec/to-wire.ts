/**
 * Validated messages to wire objects for the generated codec. Zero values are
 * left out so the encoding is the canonical proto3 one (what any standard
 * implementation produces for the same values).
 */
import type { ferry } from "../generated/ferry.js";
import type * as M from "../message.js";
import { OUTCOME, PRIORITY, REASON, ROLE, SCOPE } from "./enums.js";
import { toLong } from "./u64.js";

const range = (r: M.Range): ferry.v1.IRange => ({ first: toLong(r.first), last: toLong(r.last) });
const accountedRange = (r: M.AccountedRange): ferry.v1.IAccountedRange => ({ ...range(r), reason: REASON.number(r.reason) });
const window = (w: M.Window | undefined): ferry.v1.IWindow | undefined => (w ? { events: w.events, bytes: w.bytes } : undefined);

export function streamAck(a: M.StreamAck): ferry.v1.IStreamAck {
  return {
    stream: a.stream,
    epoch: a.epoch,
    nextSeq: toLong(a.nextSeq),
    received: a.received.map(range),
    accounted: a.accounted.map(accountedRange),
  };
}

export function eventRun(r: M.EventRun): ferry.v1.IEventRun {
  return {
    stream: r.stream,
    firstSeq: toLong(r.firstSeq),
    priority: PRIORITY.number(r.priority),
    ttlMs: r.ttlMs,
    epoch: r.epoch,
    payloads: r.payloads,
    signatures: r.signatures,
  };
}

export function ack(a: M.Ack): ferry.v1.IAck {
  return { streams: a.streams.map(streamAck), window: window(a.window), scope: SCOPE.number(a.scope), commandsPending: a.commandsPending };
}

export function hello(h: M.Hello): ferry.v1.IHello {
  return {
    majors: h.majors,
    minor: h.minor,
    role: ROLE.number(h.role),
    deviceId: h.deviceId,
    features: h.features,
    credential: h.credential,
    resumeToken: h.resumeToken,
    custody: h.custody.map(streamAck),
    window: window(h.window),
    maxMessage: h.maxMessage,
    wakeBudgetMs: h.wakeBudgetMs,
    pending: h.pending.map((k) => ({ stream: k.stream, epoch: k.epoch })),
  };
}

export function welcome(w: M.Welcome): ferry.v1.IWelcome {
  return {
    major: w.major,
    minor: w.minor,
    features: w.features,
    sessionId: w.sessionId,
    resumeToken: w.resumeToken,
    resumeTtlS: w.resumeTtlS,
    resumed: w.resumed,
    resumeRefused: w.resumeRefused,
    custody: w.custody.map(streamAck),
    window: window(w.window),
    maxMessage: w.maxMessage,
  };
}

export function deviceInfo(d: M.DeviceInfo): ferry.v1.IDeviceInfo {
  return {
    majors: d.majors,
    minor: d.minor,
    features: d.features,
    deviceId: d.deviceId,
    epoch: d.epoch,
    bufferCapacity: d.bufferCapacity,
    streams: d.streams.map((s) => ({ stream: s.stream, priority: PRIORITY.number(s.priority), ttlMs: s.ttlMs, name: s.name })),
    maxMessage: d.maxMessage,
    publicKey: d.publicKey,
  };
}

export function message(m: M.Message): ferry.v1.IMessage {
  switch (m.type) {
    case "hello": return { hello: hello(m.hello) };
    case "welcome": return { welcome: welcome(m.welcome) };
    case "events": return { events: eventRun(m.events) };
    case "ack": return { ack: ack(m.ack) };
    case "accounting": return { accounting: { stream: m.accounting.stream, epoch: m.accounting.epoch, ranges: m.accounting.ranges.map(accountedRange) } };
    case "command": return { command: { id: toLong(m.command.id), payload: m.command.payload, ttlMs: m.command.ttlMs } };
    case "commandAck": return { commandAck: { ids: m.commandAck.ids.map(toLong), outcome: OUTCOME.number(m.commandAck.outcome), scope: SCOPE.number(m.commandAck.scope) } };
    case "error": {
      const s = m.error.stream;
      return { error: { code: m.error.code, detail: m.error.detail, stream: s ? { stream: s.stream, epoch: s.epoch, seq: toLong(s.seq) } : undefined } };
    }
    case "wakeHint": return { wakeHint: { stream: m.wakeHint.stream, seq: toLong(m.wakeHint.seq), summary: m.wakeHint.summary } };
  }
}
