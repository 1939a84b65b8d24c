/**
 * Bytes per event on the wire: Ferry's binary envelope (BLE leg, server leg,
 * alone and in runs), its JSON form (HTTP batch with JSON), and the same
 * event as the CloudEvents JSON a vendor receives from the reference
 * server's webhook (structured mode, and a JSON batch). Exact sizes, no timing.
 */
import { encodeMessage, messageToJson, type Message } from "@ferry/protocol";
import { toCloudEvent } from "@ferry/reference-server";
import { EPOCH, sampleEnvelope } from "./fixtures.js";

export interface BytesPerEvent {
  form: string;
  description: string;
  eventsPerMessage: number;
  payloadBytes: number;
  /** Whole encoding divided by the events it carries. */
  bytesPerEvent: number;
  /** bytesPerEvent over the Ferry server-leg run of 1. */
  versusFerry: number;
}

const DEVICE_ID = Uint8Array.from([0x0a, 0x0b, 0x0c, 0x0d, 0x01, 0x02, 0x03, 0x04]);
const RECEIVED_AT = Date.UTC(2026, 10, 22, 9, 0, 0);

function bleLeg(m: Message): Message {
  // [ENV-4] epoch 0 stands for the device's current epoch on the BLE leg.
  return m.type === "events" ? { type: "events", events: { ...m.events, epoch: 0 } } : m;
}

function cloudEvents(n: number): string[] {
  const run = sampleEnvelope(n);
  if (run.type !== "events") throw new Error("fixture is not an EventRun");
  return run.events.payloads.map((payload, i) =>
    JSON.stringify(
      toCloudEvent(
        { kind: "event", position: BigInt(i + 1), deviceId: DEVICE_ID, epoch: EPOCH, stream: run.events.stream, seq: run.events.firstSeq + BigInt(i), priority: run.events.priority, payload, receivedAtMs: RECEIVED_AT },
        RECEIVED_AT,
      ),
    ),
  );
}

export function bytesPerEvent(): BytesPerEvent[] {
  const rows: Omit<BytesPerEvent, "versusFerry">[] = [];
  const add = (form: string, description: string, n: number, total: number) => rows.push({ form, description, eventsPerMessage: n, payloadBytes: 16, bytesPerEvent: total / n });
  add("ferry-server", "Ferry Message{events}, server leg (explicit epoch)", 1, encodeMessage(sampleEnvelope(1)).length);
  add("ferry-server", "Ferry Message{events}, server leg, run of 10", 10, encodeMessage(sampleEnvelope(10)).length);
  add("ferry-ble", "Ferry Message{events}, BLE leg (epoch 0), before fragment headers", 1, encodeMessage(bleLeg(sampleEnvelope(1))).length);
  add("ferry-ble", "Ferry Message{events}, BLE leg, run of 10", 10, encodeMessage(bleLeg(sampleEnvelope(10))).length);
  add("ferry-json", "Ferry JSON form (HTTP batch with JSON)", 1, Buffer.byteLength(JSON.stringify(messageToJson(sampleEnvelope(1)))));
  add("ferry-json", "Ferry JSON form, run of 10", 10, Buffer.byteLength(JSON.stringify(messageToJson(sampleEnvelope(10)))));
  add("cloudevents", "CloudEvents 1.0 JSON, structured mode (one event)", 1, Buffer.byteLength(cloudEvents(1)[0]!));
  add("cloudevents", "CloudEvents 1.0 JSON batch of 10", 10, Buffer.byteLength(`[${cloudEvents(10).join(",")}]`));
  const base = rows[0]!.bytesPerEvent;
  return rows.map((r) => ({ ...r, versusFerry: r.bytesPerEvent / base }));
}
