/**
 * The proto3 JSON forms of messages, envelopes, batches, acks and DeviceInfo:
 * documents a printer writes validate; each kind of damage is refused with a
 * readable reason naming the field.
 */
import { describe, expect, it } from "vitest";
import { validate, validateAckJson, validateBatchJson, validateEnvelopeJson, validateMessageJson } from "../../src/schema/index.js";
import type { ValidationResult } from "../../src/schema/index.js";

const b64 = (n: number, fill = 7) => Buffer.from(new Uint8Array(n).fill(fill)).toString("base64");
const run = { stream: 1, firstSeq: "41", priority: "PRIORITY_CRITICAL", ttlMs: 5000, epoch: 3735928559, payloads: [b64(16)] };
const hello = { majors: [1], minor: 0, role: "ROLE_APP", deviceId: b64(8), credential: b64(12), pending: [{ stream: 1, epoch: 7 }] };
const streamAck = { stream: 1, epoch: 7, nextSeq: "43", received: [{ first: "45", last: "47" }], accounted: [{ first: "44", last: "44", reason: "REASON_EXPIRED" }] };

function refused(result: ValidationResult, ...reasons: string[]): void {
  expect(result.ok).toBe(false);
  const errors = result.ok ? [] : result.errors;
  for (const r of reasons) expect(errors.some((e) => e.includes(r)), `${JSON.stringify(errors)} mentions ${r}`).toBe(true);
}

describe("message.schema.json: documents a proto3 JSON printer writes", () => {
  const good: [string, unknown][] = [
    ["hello", { hello }],
    ["hello on the device leg, no device id", { hello: { majors: [1], role: 2, custody: [streamAck], window: { events: 16, bytes: 4096 } } }],
    ["welcome", { welcome: { major: 1, features: 3, sessionId: b64(16), resumeToken: b64(48), resumeTtlS: 86400, resumed: true, custody: [streamAck] } }],
    ["events with signatures", { events: { ...run, signatures: [b64(64)] } }],
    ["events with every default omitted", { events: { payloads: [""] } }],
    ["events at the largest sequence number", { events: { firstSeq: "18446744073709551615", payloads: ["AA=="] } }],
    ["ack, empty", { ack: {} }],
    ["ack", { ack: { streams: [streamAck], window: {}, scope: "SCOPE_END_TO_END", commandsPending: 2 } }],
    ["accounting", { accounting: { stream: 1, epoch: 7, ranges: [{ first: "0", last: "9", reason: "REASON_OVERFLOW" }] } }],
    ["command", { command: { id: "9007199254740993", payload: b64(3), ttlMs: 0 } }],
    ["command ack", { commandAck: { ids: ["1", "2"], outcome: "COMMAND_OUTCOME_EXECUTED", scope: "SCOPE_HOP" } }],
    ["error", { error: { code: 22, detail: "token minted for another device", stream: { stream: 1, epoch: 7, seq: "3" } } }],
    ["wake hint, 64-byte summary", { wakeHint: { stream: 1, seq: "12", summary: b64(64) } }],
    ["enums by number", { events: { priority: 2, payloads: ["AA=="] } }],
  ];
  it.each(good)("[ENV-7] accepts %s", (_name, doc) => {
    expect(validateMessageJson(doc)).toEqual({ ok: true });
  });
});

describe("message.schema.json: refused documents", () => {
  const bad: [string, unknown, string[]][] = [
    ["uint64 as a JSON number", { events: { ...run, firstSeq: 41 } }, ["/events/firstSeq", "must be a uint64"]],
    ["uint64 with a sign", { events: { ...run, firstSeq: "-1" } }, ["/events/firstSeq", "must be a uint64"]],
    ["uint64 with a leading zero", { command: { id: "007" } }, ["/command/id", "must be a uint64"]],
    ["uint64 above 2^64-1", { events: { ...run, firstSeq: "18446744073709551616" } }, ["/events/firstSeq", "must be a uint64"]],
    ["negative uint32", { events: { ...run, stream: -1 } }, ["/events/stream", "must be a uint32"]],
    ["uint32 above 2^32-1", { ack: { commandsPending: 4294967296 } }, ["/ack/commandsPending", "must be a uint32"]],
    ["fractional uint32", { events: { ...run, ttlMs: 1.5 } }, ["/events/ttlMs", "must be a uint32"]],
    ["uint32 as a string", { events: { ...run, epoch: "7" } }, ["/events/epoch", "must be a uint32"]],
    ["unknown enum name", { events: { ...run, priority: "PRIORITY_URGENT" } }, ["/events/priority", "must be one of", "PRIORITY_CRITICAL"]],
    ["unknown enum number", { ack: { scope: 2 } }, ["/ack/scope", "must be one of"]],
    ["REASON_UNSPECIFIED [ACK-10]", { accounting: { ranges: [{ first: "1", last: "1", reason: "REASON_UNSPECIFIED" }] } }, ["/accounting/ranges/0/reason"]],
    ["accounted range without a reason [ACK-10]", { ack: { streams: [{ accounted: [{ first: "1", last: "2" }] }] } }, ['missing required property "reason"']],
    ["two oneof bodies", { ack: {}, command: {} }, ["(root)", "must have exactly one of hello, welcome, events"]],
    ["no body", {}, ["must have exactly one of"]],
    ["unknown body", { ping: {} }, ['unknown property "ping"']],
    ["unknown field", { events: { ...run, flags: 1 } }, ["/events", 'unknown property "flags"']],
    ["protobufjs oneofs virtual field", { body: "ack", ack: {} }, ['unknown property "body"']],
    ["missing payloads [ENV-2]", { events: { stream: 1 } }, ["/events", 'missing required property "payloads"']],
    ["empty payloads [ENV-2]", { events: { ...run, payloads: [] } }, ["/events/payloads", "must NOT have fewer than 1 items"]],
    ["accounting without ranges", { accounting: { stream: 1, ranges: [] } }, ["/accounting/ranges"]],
    ["hello without majors [VER-2]", { hello: { role: "ROLE_APP" } }, ['missing required property "majors"']],
    ["bad base64 character", { events: { ...run, payloads: ["AAE*"] } }, ["/events/payloads/0", "must be a byte string in standard padded base64"]],
    ["unpadded base64", { events: { ...run, payloads: ["AAE"] } }, ["/events/payloads/0", "base64"]],
    ["URL-safe base64", { events: { ...run, payloads: ["-_8="] } }, ["/events/payloads/0", "base64"]],
    ["non-canonical base64 (unused bits set)", { command: { payload: "AB==" } }, ["/command/payload", "base64"]],
    ["oversized device id: 17 bytes [ID-3]", { hello: { ...hello, deviceId: b64(17) } }, ["/hello/deviceId", "must be a device id"]],
    ["signature of 63 bytes [SEC-8]", { events: { ...run, signatures: [b64(63)] } }, ["/events/signatures/0", "64 bytes"]],
    ["signature of 65 bytes [SEC-8]", { events: { ...run, signatures: [b64(65)] } }, ["/events/signatures/0", "64 bytes"]],
    ["wake hint summary of 65 bytes [LIFE-15]", { wakeHint: { summary: b64(65) } }, ["/wakeHint/summary", "at most 64 bytes"]],
    ["null for a default", { events: { ...run, ttlMs: null } }, ["/events/ttlMs"]],
    ["not an object", "hello", ["(root)", "must be object"]],
  ];
  it.each(bad)("[ENV-7] refuses %s", (_name, doc, reasons) => {
    refused(validateMessageJson(doc), ...reasons);
  });

  it("a device id of 1 and of 16 bytes is accepted, 0 bytes only where the field is optional [ID-3]", () => {
    for (const n of [1, 2, 3, 15, 16]) expect(validateMessageJson({ hello: { ...hello, deviceId: b64(n) } }), `${n}`).toEqual({ ok: true });
    expect(validateMessageJson({ hello: { ...hello, deviceId: "" } })).toEqual({ ok: true });
    refused(validate("device-info", { deviceId: "", epoch: 1 }), "/deviceId");
  });
});

describe("unknown properties: refused from a writer, stripped by a receiver", () => {
  it("[HTTP-7] a writer's document with an unknown property is refused", () => {
    refused(validateBatchJson({ hello: { ...hello, flags: 1 }, messages: [] }), "/hello", 'unknown property "flags"');
  });

  it("[VER-4] a receiver strips unknown properties at every depth, in place, and validates the rest", () => {
    const doc = {
      hello: { ...hello, futureField: "x" },
      messages: [{ events: { ...run, compression: "zstd" } }, { ack: { streams: [{ ...streamAck, hint: 1 }] } }],
      trailer: {},
    };
    expect(validateBatchJson(doc, { unknown: "strip" })).toEqual({ ok: true });
    expect(doc).toEqual({ hello, messages: [{ events: run }, { ack: { streams: [streamAck] } }] });
  });

  it("[VER-6] a message whose only body is unknown is left empty, so the receiver can tell an unknown body", () => {
    const doc = { futureBody: { a: 1 } };
    refused(validateMessageJson(doc, { unknown: "strip" }), "must have exactly one of");
    expect(doc).toEqual({});
    const known = { events: run, futureBody: {} };
    expect(validateMessageJson(known, { unknown: "strip" })).toEqual({ ok: true });
  });

  it("[VER-5] stripping does not rescue a value a known field may not hold", () => {
    refused(validateMessageJson({ events: { ...run, priority: "PRIORITY_URGENT", extra: 1 } }, { unknown: "strip" }), "/events/priority");
    refused(validateMessageJson({ events: { ...run, firstSeq: 7 } }, { unknown: "strip" }), "/events/firstSeq");
  });
});

describe("envelope, ack and batch schemas", () => {
  it("[ENV-1] an envelope is an EventRun", () => {
    expect(validateEnvelopeJson(run)).toEqual({ ok: true });
    refused(validateEnvelopeJson({ events: run }), 'unknown property "events"');
    refused(validateEnvelopeJson({ ...run, payloads: undefined }), 'missing required property "payloads"');
  });

  it("[HTTP-5] an ack validates; a damaged ack is refused with the field's path", () => {
    expect(validateAckJson({ streams: [streamAck], window: { events: 1, bytes: 2 } })).toEqual({ ok: true });
    refused(validateAckJson({ streams: [{ ...streamAck, nextSeq: "1e3" }] }), "/streams/0/nextSeq", "must be a uint64");
    refused(validateAckJson({ streams: [{ ...streamAck, received: [{ first: "1", last: "2", reason: "REASON_EXPIRED" }] }] }), "/streams/0/received/0", 'unknown property "reason"');
    refused(validateAckJson({ window: { events: -1 } }), "/window/events");
    refused(validateAckJson({ ack: {} }), 'unknown property "ack"');
  });

  it("[HTTP-2] a batch is a hello and messages", () => {
    expect(validateBatchJson({ hello, messages: [{ events: run }, { commandAck: { ids: ["4"] } }] })).toEqual({ ok: true });
    expect(validateBatchJson({ hello })).toEqual({ ok: true });
    // A batch without hello is UNEXPECTED_MESSAGE, the receiver's call, not malformed JSON.
    expect(validateBatchJson({ messages: [{ events: run }] })).toEqual({ ok: true });
    refused(validateBatchJson({ hello, messages: [{ events: run, ack: {} }] }), "/messages/0", "must have exactly one of");
    refused(validateBatchJson({ hello, messages: [{ events: { ...run, firstSeq: -5 } }] }), "/messages/0/events/firstSeq");
    refused(validateBatchJson({ hello: { ...hello, majors: [] } }), "/hello/majors");
    refused(validateBatchJson({ hello, messages: {} }), "/messages", "must be array");
  });

  it("[GATT-6] device info: device id and a non-zero epoch required, public key 0 or 32 bytes", () => {
    const info = { majors: [1], deviceId: b64(6), epoch: 9, streams: [{ stream: 1, priority: "PRIORITY_REALTIME", ttlMs: 2000, name: "audio" }] };
    expect(validate("device-info", info)).toEqual({ ok: true });
    expect(validate("device-info", { ...info, publicKey: b64(32) })).toEqual({ ok: true });
    refused(validate("device-info", { ...info, epoch: 0 }), "/epoch", ">= 1");
    refused(validate("device-info", { ...info, publicKey: b64(31) }), "/publicKey", "32 bytes");
    refused(validate("device-info", { majors: [1], epoch: 9 }), 'missing required property "deviceId"');
    refused(validate("device-info", { ...info, streams: [{ stream: 1, name: "x".repeat(33) }] }), "/streams/0/name");
  });
});
