/**
 * A device's uplink, modelled with the real protocol parts: a StreamSender
 * builds the runs [ENV-3] within the app's window [FLOW-1] and max_message
 * [ENV-8], encodeMessage encodes each as one SDU [ENV-7], and a Fragmenter
 * cuts it into notifications at the ATT MTU [FRAG-1] [FRAG-6]. Time is
 * virtual (ms): events are produced at their times, the device sends at its
 * flush times, and the app acknowledges everything sent before the next
 * flush (its Ack every 200 ms at most [ACK-15] keeps up with these rates).
 *
 * What is counted: the event payload bytes, and the notification payload
 * bytes (the fragment values, headers included; the 3-byte ATT header of a
 * notification is not part of F and not counted).
 */
import { DEFAULT_WINDOW, encodeMessage, Fragmenter, SendWindow, StreamSender, type Message, type Priority, type Window } from "@ferry/protocol";
import { btpNotificationBytes } from "./btp.js";

/** [ENV-9] an app announces Hello.max_message = 16383 on the BLE leg. */
export const APP_MAX_MESSAGE = 16_383;

export interface UplinkWorkload {
  stream: number;
  priority: Priority;
  /** TTL of each event from its production, 0 = none [PRIO-5]. */
  ttlMs: number;
  /** Sequence of the first event: long-lived streams have wide varints (chapter 3.5). */
  firstSeq: bigint;
  /** Production time (ms) and payload of each event, in order. */
  events: { at: number; payload: Uint8Array }[];
  /** Times at which the device sends what it holds, ascending; after the last, it sends until empty. */
  flushes: number[];
  /** The app's grant to the device; default the binding's [FLOW-2]. */
  window?: Window;
  maxMessage?: number;
}

export interface UplinkTally {
  attMtu: number;
  events: number;
  payloadBytes: number;
  sdus: number;
  sduBytes: number;
  notifications: number;
  /** Sum of notification payloads (fragment values) with Ferry's fragment headers. */
  notificationBytes: number;
  /** The same SDUs with a BTP-like fragment header (btp.ts). */
  btpNotificationBytes: number;
  /** Largest header seen on a first fragment and on a continuation, read from the fragments. */
  maxFirstHeader: number;
  maxContinuationHeader: number;
  /** Largest (SDU bytes - payload bytes) of one SDU: the envelope's overhead. */
  maxEnvelopeOverhead: number;
}

/** Sends the whole workload at one ATT MTU and counts bytes. */
export function runUplink(w: UplinkWorkload, attMtu: number): UplinkTally {
  const window = new SendWindow(w.window ?? DEFAULT_WINDOW.appGrantsDevice);
  const sender = new StreamSender({ stream: w.stream, epoch: 0, priority: w.priority, window, nextSeq: w.firstSeq });
  const fragmenter = new Fragmenter({ maxMessage: w.maxMessage ?? APP_MAX_MESSAGE });
  const t: UplinkTally = { attMtu, events: 0, payloadBytes: 0, sdus: 0, sduBytes: 0, notifications: 0, notificationBytes: 0, btpNotificationBytes: 0, maxFirstHeader: 0, maxContinuationHeader: 0, maxEnvelopeOverhead: 0 };
  let next = 0;
  let sentTo = w.firstSeq;

  const send = (now: number): number => {
    const messages = sender.pollTransmit(now, { maxMessage: w.maxMessage ?? APP_MAX_MESSAGE });
    for (const m of messages) {
      count(t, m, fragmenter, attMtu);
      if (m.type === "events") sentTo = m.events.firstSeq + BigInt(m.events.payloads.length);
    }
    // The app takes custody of everything sent and acknowledges it before the next flush.
    sender.handleAck({ stream: w.stream, epoch: 0, nextSeq: sentTo, received: [], accounted: [] }, now);
    return messages.length;
  };

  for (const at of w.flushes) {
    while (next < w.events.length && w.events[next]!.at <= at) {
      const e = w.events[next++]!;
      sender.enqueue(e.payload, e.at, w.ttlMs > 0 ? { ttlMs: w.ttlMs } : {});
    }
    send(at);
  }
  const end = w.flushes[w.flushes.length - 1] ?? 0;
  while (next < w.events.length) sender.enqueue(w.events[next++]!.payload, end, w.ttlMs > 0 ? { ttlMs: w.ttlMs } : {});
  while (!sender.isSettled) if (send(end) === 0) throw new Error("uplink model stalled with events held");
  if (t.events !== w.events.length) throw new Error(`uplink sent ${t.events} of ${w.events.length} events (expired or dropped)`);
  return t;
}

function count(t: UplinkTally, m: Message, fragmenter: Fragmenter, attMtu: number): void {
  if (m.type !== "events") throw new Error(`unexpected ${m.type} on uplink in the efficiency model`);
  const sdu = encodeMessage(m);
  const fragments = fragmenter.fragment(sdu, attMtu);
  const payloadBytes = m.events.payloads.reduce((s, p) => s + p.length, 0);
  t.events += m.events.payloads.length;
  t.payloadBytes += payloadBytes;
  t.maxEnvelopeOverhead = Math.max(t.maxEnvelopeOverhead, sdu.length - payloadBytes);
  // [FRAG-3] a first fragment: counter byte and a 1- or 2-byte LEB128 length; [FRAG-4] a continuation: the counter byte.
  fragments.forEach((f, i) => {
    if (i === 0) t.maxFirstHeader = Math.max(t.maxFirstHeader, 1 + ((f[1]! & 0x80) !== 0 ? 2 : 1));
    else t.maxContinuationHeader = Math.max(t.maxContinuationHeader, 1);
  });
  t.sdus++;
  t.sduBytes += sdu.length;
  t.notifications += fragments.length;
  t.notificationBytes += fragments.reduce((s, f) => s + f.length, 0);
  t.btpNotificationBytes += btpNotificationBytes(sdu.length, attMtu);
}
