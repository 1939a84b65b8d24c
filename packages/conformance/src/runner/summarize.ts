/** Ferry messages in one line each, for traces and counterexamples. */
import type { Ack, AccountedRange, Message, Range, StreamAck } from "@ferry/protocol";

const hex = (b: Uint8Array, max = 8): string => {
  const h = Buffer.from(b).toString("hex");
  return b.length > max ? `${h.slice(0, max * 2)}..(${b.length} bytes)` : h;
};

const range = (r: Range): string => (r.first === r.last ? `${r.first}` : `${r.first}..${r.last}`);
const accounted = (r: AccountedRange): string => `${range(r)} ${r.reason}`;

export function streamAckSummary(s: StreamAck): string {
  const parts = [`(${s.stream},${s.epoch}) next ${s.nextSeq}`];
  if (s.received.length > 0) parts.push(`received ${s.received.map(range).join(",")}`);
  if (s.accounted.length > 0) parts.push(`accounted ${s.accounted.map(accounted).join(",")}`);
  return parts.join(" ");
}

function ackSummary(a: Ack): string {
  const streams = a.streams.map(streamAckSummary).join("; ");
  const window = a.window ? ` window ${a.window.events}/${a.window.bytes}` : "";
  return `${streams || "no streams"}${window}${a.commandsPending ? ` commandsPending ${a.commandsPending}` : ""}`;
}

export function summarize(m: Message): string {
  switch (m.type) {
    case "hello": {
      const h = m.hello;
      const token = h.resumeToken.length > 0 ? `resume ${hex(h.resumeToken, 4)}` : "fresh";
      const pending = h.pending.map((p) => `(${p.stream},${p.epoch})`).join(",");
      return `${token}, device ${hex(h.deviceId)}, majors [${h.majors.join(",")}]${pending ? `, pending ${pending}` : ""}`;
    }
    case "welcome": {
      const w = m.welcome;
      const custody = w.custody.map(streamAckSummary).join("; ");
      return `session ${hex(w.sessionId, 4)} resumed=${w.resumed}${w.resumeRefused ? ` refused=${w.resumeRefused}` : ""}${custody ? `, custody ${custody}` : ""}`;
    }
    case "events": {
      const e = m.events;
      const last = e.firstSeq + BigInt(e.payloads.length - 1);
      return `stream ${e.stream} epoch ${e.epoch} seq ${range({ first: e.firstSeq, last })} ${e.priority}`;
    }
    case "ack":
      return ackSummary(m.ack);
    case "accounting":
      return `stream ${m.accounting.stream} epoch ${m.accounting.epoch} ${m.accounting.ranges.map(accounted).join(",")}`;
    case "command":
      return `id ${m.command.id} ${m.command.payload.length} bytes ttl ${m.command.ttlMs}`;
    case "commandAck":
      return `ids [${m.commandAck.ids.join(",")}] ${m.commandAck.outcome} ${m.commandAck.scope}`;
    case "error": {
      const s = m.error.stream;
      return `code ${m.error.code}${s ? ` stream ${s.stream} epoch ${s.epoch} seq ${s.seq}` : ""}`;
    }
    case "wakeHint":
      return `stream ${m.wakeHint.stream} seq ${m.wakeHint.seq}`;
  }
}
