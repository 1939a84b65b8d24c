/**
 * invalid-messages.json: Message bytes a decoder must refuse, one vector per
 * way to be wrong, each with the code of spec/errors.json it must report.
 */
import Long from "long";
import { encodeMessage } from "../../src/codec/binary.js";
import { MAX_U64 } from "../../src/message.js";
import { hex, outOfRange, refuses, wire } from "./build.js";
import { BULK_SAMPLE, counting, DEVICE_ID, EPOCH, STREAM } from "./fixtures.js";
import type { VectorGroup } from "./group.js";

const u64 = (v: bigint) => Long.fromString(v.toString(), true);
const payload = hex("41");
const sig = counting(64, 0x80);
const tooBig = encodeMessage(BULK_SAMPLE);

export const invalidMessages: VectorGroup = {
  file: "invalid-messages.json",
  group: "invalid-messages",
  description: "Message bytes a decoder must refuse, with the error it reports: MALFORMED when the bytes are not protobuf, INVALID_FIELD when they decode but break a field rule, UNKNOWN_MESSAGE for a body this version does not know, MESSAGE_TOO_LARGE past max_message.",
  vectors: () => [
    refuses("message", { name: "malformed-empty-input", description: "Zero bytes are no message at all (not an unknown one).", requirements: ["ERR-2", "ENV-7"] }, new Uint8Array(0), "MALFORMED"),
    refuses("message", { name: "malformed-truncated-length", description: "The events body's length varint (0x80) has its continuation bit set and the input ends.", requirements: ["ERR-2"] }, hex("1a 80"), "MALFORMED"),
    refuses("message", { name: "malformed-truncated-varint", description: "first_seq's varint (ff) runs past the end of its 5-byte run body.", requirements: ["ERR-2"] }, hex("1a 05 32 01 41 10 ff"), "MALFORMED"),
    refuses("message", { name: "malformed-varint-too-long", description: "first_seq written as an 11-byte varint; a varint has at most 10 bytes.", requirements: ["ERR-2"] }, hex("1a 0c 10 ff ff ff ff ff ff ff ff ff ff 01"), "MALFORMED"),
    refuses("message", { name: "malformed-truncated-length-delimited", description: "The events body declares 5 bytes and 3 follow.", requirements: ["ERR-2"] }, hex("1a 05 32 01 41"), "MALFORMED"),
    refuses("message", { name: "malformed-payload-past-body", description: "A payload declares 5 bytes inside a 3-byte run body.", requirements: ["ERR-2"] }, hex("1a 03 32 05 41"), "MALFORMED"),
    refuses("message", { name: "malformed-wire-type-6", description: "A tag with wire type 6, which protobuf does not define, inside a run (field 15).", requirements: ["ERR-2"] }, hex("1a 04 32 01 41 7e"), "MALFORMED"),
    refuses("message", { name: "malformed-wire-type-7", description: "A tag with wire type 7, which protobuf does not define, inside a run (field 15).", requirements: ["ERR-2"] }, hex("1a 04 32 01 41 7f"), "MALFORMED"),
    refuses("message", { name: "malformed-end-group-unmatched", description: "An end-group tag (field 15, wire type 4) with no group open.", requirements: ["ERR-2"] }, hex("1a 04 32 01 41 7c"), "MALFORMED"),
    refuses("message", { name: "malformed-field-number-zero", description: "A tag for field number 0, which protobuf forbids.", requirements: ["ERR-2"] }, hex("1a 05 32 01 41 02 00"), "MALFORMED"),
    refuses("message", { name: "unknown-message-body", description: "A Message whose only field is 10 (an empty length-delimited body): a body this version does not know.", requirements: ["ERR-2", "VER-4"] }, hex("52 00"), "UNKNOWN_MESSAGE"),
    refuses("message", { name: "unknown-message-body-with-content", description: "A Message body numbered 100 carrying 4 bytes.", requirements: ["ERR-2", "VER-4"] }, hex("a2 06 04 08 01 10 02"), "UNKNOWN_MESSAGE"),
    refuses("message", { name: "invalid-events-without-payloads", description: "A run on stream 1 with no payloads.", requirements: ["ENV-2"] }, wire.message({ events: { stream: STREAM.samples, firstSeq: u64(9n) } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-sequence-overflow", description: "A run of two events from 2^64-1: its second event would be sequence 2^64.", requirements: ["ID-5"] }, wire.message({ events: { stream: STREAM.samples, firstSeq: u64(MAX_U64), payloads: [payload, payload] } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-sequence-reserved", description: "One event with sequence 2^64-1, a number no device assigns so that next_seq 2^64-1 can cover a whole stream.", requirements: ["ID-5"] }, wire.message({ events: { stream: STREAM.samples, firstSeq: u64(MAX_U64), payloads: [payload] } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-signature-count", description: "A run of two payloads with one signature.", requirements: ["SEC-12"] }, wire.message({ events: { stream: STREAM.alarm, priority: 2, epoch: EPOCH, payloads: [payload, payload], signatures: [sig] } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-signature-length", description: "A signature of 63 bytes; Ed25519 signatures are 64.", requirements: ["SEC-12"] }, wire.message({ events: { stream: STREAM.alarm, priority: 2, epoch: EPOCH, payloads: [payload], signatures: [sig.subarray(1)] } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-priority-unknown", description: "Priority 3: Priority is closed within a major version.", requirements: ["VER-5", "PRIO-1"] }, wire.message({ events: { stream: STREAM.samples, priority: outOfRange(3), payloads: [payload] } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-accounting-without-ranges", description: "An Accounting of stream 2 with no ranges.", requirements: ["ENV-11"] }, wire.message({ accounting: { stream: STREAM.audio, epoch: EPOCH } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-range-last-before-first", description: "An accounted range 10..5.", requirements: ["ENV-11", "ACK-6"] }, wire.message({ accounting: { stream: STREAM.audio, ranges: [{ first: u64(10n), last: u64(5n), reason: 1 }] } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-reason-unspecified", description: "An accounted range with REASON_UNSPECIFIED (the field left out).", requirements: ["ACK-10", "ENV-11"] }, wire.message({ accounting: { stream: STREAM.audio, ranges: [{ first: u64(10n), last: u64(12n) }] } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-reason-unknown", description: "An accounted range with reason 5: Reason is closed within a major version.", requirements: ["VER-5", "ACK-9"] }, wire.message({ accounting: { stream: STREAM.audio, ranges: [{ first: u64(10n), last: u64(12n), reason: outOfRange(5) }] } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-accounting-ranges-unsorted", description: "An Accounting whose ranges 20..25 and 10..12 are not in ascending order.", requirements: ["ENV-11"] }, wire.message({ accounting: { stream: STREAM.audio, epoch: EPOCH, ranges: [{ first: u64(20n), last: u64(25n), reason: 1 }, { first: u64(10n), last: u64(12n), reason: 1 }] } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-accounting-ranges-overlapping", description: "An Accounting whose ranges 10..15 (expired) and 15..20 (overflow) overlap at 15.", requirements: ["ENV-11"] }, wire.message({ accounting: { stream: STREAM.audio, epoch: EPOCH, ranges: [{ first: u64(10n), last: u64(15n), reason: 1 }, { first: u64(15n), last: u64(20n), reason: 2 }] } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-hello-without-majors", description: "A Hello that lists no protocol major.", requirements: ["VER-2", "HS-1"] }, wire.message({ hello: { role: 2, deviceId: DEVICE_ID } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-hello-device-id-17-bytes", description: "A Hello naming a device id of 17 bytes; device ids have 1 to 16.", requirements: ["ID-3", "HS-3"] }, wire.message({ hello: { majors: [1], role: 2, deviceId: counting(17, 1) } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-selective-range-reversed", description: "An Ack whose selective range is 20..15.", requirements: ["ACK-6"] }, wire.message({ ack: { streams: [{ stream: 1, nextSeq: u64(10n), received: [{ first: u64(20n), last: u64(15n) }] }] } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-selective-ranges-unsorted", description: "Selective ranges 20..25 then 12..14: not ascending.", requirements: ["ACK-6"] }, wire.message({ ack: { streams: [{ stream: 1, nextSeq: u64(10n), received: [{ first: u64(20n), last: u64(25n) }, { first: u64(12n), last: u64(14n) }] }] } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-selective-ranges-overlapping", description: "Selective ranges 12..16 and 15..20 overlap.", requirements: ["ACK-6"] }, wire.message({ ack: { streams: [{ stream: 1, nextSeq: u64(10n), received: [{ first: u64(12n), last: u64(16n) }, { first: u64(15n), last: u64(20n) }] }] } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-selective-ranges-adjacent", description: "Selective ranges 12..14 and 15..20 touch: they must be written as one, 12..20.", requirements: ["ACK-6"] }, wire.message({ ack: { streams: [{ stream: 1, nextSeq: u64(10n), received: [{ first: u64(12n), last: u64(14n) }, { first: u64(15n), last: u64(20n) }] }] } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-selective-range-at-next-seq", description: "next_seq 10 with a selective range from 10: the range is not above next_seq (next_seq should be 13).", requirements: ["ACK-4", "ACK-6"] }, wire.message({ ack: { streams: [{ stream: 1, nextSeq: u64(10n), received: [{ first: u64(10n), last: u64(12n) }] }] } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-scope-unknown", description: "An Ack with scope 2: Scope is closed within a major version.", requirements: ["VER-5", "ACK-13"] }, wire.message({ ack: { scope: outOfRange(2) } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-command-outcome-unknown", description: "A CommandAck with outcome 4: CommandOutcome is closed within a major version.", requirements: ["VER-5", "CMD-4"] }, wire.message({ commandAck: { ids: [u64(1n)], outcome: outOfRange(4) } }), "INVALID_FIELD"),
    refuses("message", { name: "invalid-wake-hint-summary-65-bytes", description: "A wake hint summary of 65 bytes; at most 64.", requirements: ["LIFE-15"] }, wire.message({ wakeHint: { stream: STREAM.alarm, seq: u64(1n), summary: counting(65) } }), "INVALID_FIELD"),
    refuses("message", { name: "message-too-large", description: `The ${tooBig.length}-byte events-bulk-16-byte-sample decoded with max_message ${tooBig.length - 1}.`, requirements: ["ENV-8", "ERR-2"] }, tooBig, "MESSAGE_TOO_LARGE", tooBig.length - 1),
  ],
};
