/**
 * The schemas describe what a proto3 JSON printer actually writes: protobufjs
 * toObject({ longs: String, enums: String, bytes: String }) of decoded
 * messages validates against message.schema.json (and the batch, ack and
 * device-info schemas), for hand-built messages with 64-bit values past 2^53
 * and for every message the shared arbitraries generate.
 */
import fc from "fast-check";
import Long from "long";
import { describe, expect, it } from "vitest";
// Makes protobufjs decode uint64 as Long: without it 64-bit values come back
// as JavaScript numbers and print rounded ("18446744073709552000").
import "../../src/codec/runtime.js";
import * as to from "../../src/codec/to-wire.js";
import { ferry } from "../../src/generated/ferry.js";
import { validate, validateAckJson, validateBatchJson, validateMessageJson } from "../../src/schema/index.js";
import * as arb from "../arbitraries.js";

const pb = ferry.v1;
const JSON_FORM = { longs: String, enums: String, bytes: String } as const;
const u64 = (s: string) => Long.fromString(s, true);

function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (typeof v !== "object" || v === null) return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, withoutNulls(x)]));
}

/** Encode, decode, print: the JSON a receiver of these bytes would write. */
function printed(m: ferry.v1.IMessage): Record<string, unknown> {
  const decoded = pb.Message.decode(pb.Message.encode(pb.Message.create(m)).finish());
  return pb.Message.toObject(decoded, JSON_FORM);
}

// [SEC-9] a public key is 32 bytes or absent; the shared arbitrary draws any
// length up to 32, which the binary codec accepts but the schema does not.
const deviceInfo = arb.deviceInfo.map((d) => ({ ...d, publicKey: d.publicKey.length === 32 ? d.publicKey : new Uint8Array(0) }));

describe("protobufjs toObject output", () => {
  it("[ENV-7] hand-built messages with uint64 past 2^53, signatures and every body validate", () => {
    const messages: ferry.v1.IMessage[] = [
      {
        events: {
          stream: 7,
          firstSeq: u64("18446744073709551610"),
          priority: pb.Priority.PRIORITY_CRITICAL,
          ttlMs: 30000,
          epoch: 0xdeadbeef,
          payloads: [new Uint8Array(16).fill(1), new Uint8Array(0)],
          signatures: [new Uint8Array(64).fill(2), new Uint8Array(64).fill(3)],
        },
      },
      {
        ack: {
          streams: [{ stream: 1, epoch: 9, nextSeq: u64("9007199254740993"), received: [{ first: u64("9007199254740995"), last: u64("9007199254741000") }], accounted: [{ first: u64("1"), last: u64("2"), reason: pb.Reason.REASON_OVERFLOW }] }],
          window: { events: 64, bytes: 65536 },
          scope: pb.Scope.SCOPE_END_TO_END,
          commandsPending: 3,
        },
      },
      { hello: { majors: [1], minor: 0, role: pb.Role.ROLE_APP, deviceId: new Uint8Array(16).fill(9), credential: new Uint8Array([1, 2, 3]), pending: [{ stream: 1, epoch: 9 }], wakeBudgetMs: 2500 } },
      { welcome: { major: 1, features: 3, sessionId: new Uint8Array(16), resumeToken: new Uint8Array(49), resumeTtlS: 86400, resumed: true } },
      { accounting: { stream: 2, epoch: 9, ranges: [{ first: u64("10"), last: u64("19"), reason: pb.Reason.REASON_EXPIRED }] } },
      { command: { id: u64("18446744073709551615"), payload: new Uint8Array([0xff]), ttlMs: 60000 } },
      { commandAck: { ids: [u64("1"), u64("2")], outcome: pb.CommandOutcome.COMMAND_OUTCOME_REJECTED } },
      { error: { code: 31, detail: "payload differs", stream: { stream: 1, epoch: 9, seq: u64("4") } } },
      { wakeHint: { stream: 1, seq: u64("77"), summary: new TextEncoder().encode("Smoke in the kitchen") } },
    ];
    for (const m of messages) {
      const json = printed(m);
      expect(validateMessageJson(json), JSON.stringify(json)).toEqual({ ok: true });
    }
    expect(printed(messages[0]!)).toMatchObject({ events: { firstSeq: "18446744073709551610", priority: "PRIORITY_CRITICAL" } });
  });

  it("[ENV-7] every generated message prints to a valid document", () => {
    fc.assert(
      fc.property(arb.message, (m) => {
        const json = printed(to.message(m));
        expect(validateMessageJson(json)).toEqual({ ok: true });
      }),
    );
  });

  it("[ENV-7] printing with defaults and arrays (as printers that emit defaults do) still validates", () => {
    fc.assert(
      fc.property(arb.message, (m) => {
        const decoded = pb.Message.decode(pb.Message.encode(to.message(m)).finish());
        const json = pb.Message.toObject(decoded, { ...JSON_FORM, defaults: true, arrays: true });
        // protobufjs prints unset message fields as null with `defaults`; a
        // proto3 printer that emits defaults leaves them out.
        const body = withoutNulls(json);
        expect(validateMessageJson(body)).toEqual({ ok: true });
      }),
    );
  });

  it("[HTTP-2] batches, acks and device info print to valid documents", () => {
    fc.assert(
      fc.property(arb.hello, fc.array(arb.message, { maxLength: 4 }), arb.ack, deviceInfo, (hello, messages, ack, info) => {
        const batch = pb.Batch.decode(pb.Batch.encode({ hello: to.hello(hello), messages: messages.map(to.message) }).finish());
        expect(validateBatchJson(pb.Batch.toObject(batch, JSON_FORM))).toEqual({ ok: true });
        const a = pb.Ack.decode(pb.Ack.encode(to.ack(ack)).finish());
        expect(validateAckJson(pb.Ack.toObject(a, JSON_FORM))).toEqual({ ok: true });
        const d = pb.DeviceInfo.decode(pb.DeviceInfo.encode(to.deviceInfo(info)).finish());
        expect(validate("device-info", pb.DeviceInfo.toObject(d, JSON_FORM))).toEqual({ ok: true });
      }),
    );
  });

  it("[VER-5] an enum number this version does not know prints as a number and is refused", () => {
    const json = printed({ ack: { scope: 5 as ferry.v1.Scope } });
    expect(json).toEqual({ ack: { scope: 5 } });
    expect(validateMessageJson(json)).toEqual({ ok: false, errors: ['/ack/scope: must be one of "SCOPE_HOP", "SCOPE_END_TO_END", 0, 1'] });
  });
});
