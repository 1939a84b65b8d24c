/** messages.json: every message body, minimal and full, and the encodings decoders must accept. */
import { encodeMessage } from "../../src/codec/binary.js";
import { MAX_U64 } from "../../src/message.js";
import { hex, decodes, message } from "./build.js";
import { AUDIO_FRAMES, AUDIO_RUN, BULK_SAMPLE, counting, CREDENTIAL, DEVICE_ID, EPOCH, msg, SESSION_A, SESSION_B, STREAM, streamAck, token, utf8 } from "./fixtures.js";
import type { VectorGroup } from "./group.js";
import { signEvent } from "./signing.js";

const bulkBytes = encodeMessage(BULK_SAMPLE).length;
const audioBytes = encodeMessage(AUDIO_RUN).length;
const audioPayload = AUDIO_FRAMES.reduce((n, f) => n + f.length, 0);
const alarms = [utf8("smoke:kitchen"), utf8("smoke:hall")];

export const messages: VectorGroup = {
  file: "messages.json",
  group: "messages",
  description: "Valid Message encodings and their proto3 JSON form: every body with its least and its fullest field set, the envelope's size targets, the sequence range's edges, and legal non-canonical encodings a decoder must accept.",
  vectors: () => [
    message({ name: "hello-minimal", description: "The smallest Hello that decodes: one protocol major, every other field at its default. Its role is unspecified, which the handshake then refuses on either leg (HS-2, DHS-1); the codec does not.", requirements: ["VER-2"] }, msg.hello({ role: "unspecified" })),
    message(
      { name: "hello-app-to-server", description: "The app's first Hello on the server leg, fresh: device id, credential, the streams it holds events of, its window, and its wake budget.", requirements: ["HS-1", "HS-2", "HS-3", "HS-4", "SEC-1", "FLOW-2", "LIFE-9"] },
      msg.hello({ deviceId: DEVICE_ID, credential: CREDENTIAL, pending: [{ stream: STREAM.samples, epoch: EPOCH }, { stream: STREAM.alarm, epoch: EPOCH }], window: { events: 256, bytes: 65536 }, wakeBudgetMs: 8000 }),
    ),
    message(
      { name: "hello-app-to-device", description: "The app's Hello on the device leg: no device id or credential (the link is bonded), its custody of each stream so the device replays what it lacks, a window, and max_message 16383 as every app announces on BLE.", requirements: ["DHS-1", "DHS-3", "FLOW-2", "ENV-8", "ENV-9"] },
      msg.hello({ custody: [streamAck({ stream: STREAM.samples, epoch: EPOCH, nextSeq: 120n }), streamAck({ stream: STREAM.alarm, epoch: EPOCH, nextSeq: 3n })], window: { events: 64, bytes: 16384 }, maxMessage: 16383 }),
    ),
    message(
      { name: "hello-full", description: "A Hello with every field set to a non-default value (custody and pending together only to exercise the codec: each belongs to one leg).", requirements: ["HS-1", "HS-2", "HS-3", "HS-4", "HS-5", "DHS-3", "VER-2", "VER-3", "VER-7", "SEC-1", "FLOW-2", "ENV-8", "LIFE-9"] },
      msg.hello({
        majors: [1, 2],
        minor: 3,
        role: "app",
        deviceId: DEVICE_ID,
        features: 2 | 8,
        credential: CREDENTIAL,
        resumeToken: token(SESSION_A),
        custody: [streamAck({ stream: STREAM.samples, epoch: EPOCH, nextSeq: 7n, received: [{ first: 9n, last: 9n }], accounted: [{ first: 2n, last: 3n, reason: "expired" }] })],
        window: { events: 128, bytes: 32768 },
        maxMessage: 65536,
        wakeBudgetMs: 25000,
        pending: [{ stream: STREAM.samples, epoch: EPOCH }],
      }),
    ),
    message({ name: "hello-majors-preferred-first", description: "A Hello offering majors 2 then 1, preferred first; a 1.x answerer picks 1.", requirements: ["VER-2"] }, msg.hello({ majors: [2, 1], deviceId: DEVICE_ID, credential: CREDENTIAL })),
    message({ name: "welcome-minimal", description: "The smallest useful Welcome: the chosen major, every other field at its default (the device leg's answer when it grants nothing).", requirements: ["HS-6", "DHS-4", "VER-2"] }, msg.welcome()),
    message(
      { name: "welcome-full", description: "A Welcome resuming a session, with every field set but resume_refused (set only when a resume is refused, see welcome-resume-refused): a new token, the server's custody of a pending stream, window and max_message.", requirements: ["HS-4", "HS-6", "HS-7", "HS-8", "SEC-4", "SEC-5", "VER-3", "VER-7", "FLOW-2", "ENV-8"] },
      msg.welcome({ minor: 3, features: 2 | 8, sessionId: SESSION_A, resumeToken: token(SESSION_A), resumeTtlS: 86400, resumed: true, custody: [streamAck({ stream: STREAM.samples, epoch: EPOCH, nextSeq: 7n })], window: { events: 256, bytes: 1048576 }, maxMessage: 1048576 }),
    ),
    message(
      { name: "welcome-resume-refused", description: "A Welcome refusing the offered token as TOKEN_INVALID (22): resumed false (so absent), a fresh session id and token.", requirements: ["HS-6", "HS-7", "HS-9"] },
      msg.welcome({ features: 2 | 8, sessionId: SESSION_B, resumeToken: token(SESSION_B), resumeTtlS: 86400, resumeRefused: 22, window: { events: 256, bytes: 1048576 } }),
    ),
    message({ name: "events-minimal", description: "The smallest run: stream 0, sequence 0, bulk, no TTL, epoch 0 (the BLE leg's current epoch), one 1-byte payload.", requirements: ["ENV-1", "ENV-2", "ENV-4", "ID-4"] }, msg.events({ payloads: [hex("2a")] })),
    message({ name: "events-empty-payload", description: "A run of one event whose payload is empty: a zero-length payload is an event.", requirements: ["ENV-2"] }, msg.events({ stream: STREAM.samples, firstSeq: 5n, payloads: [new Uint8Array(0)] })),
    message(
      { name: "events-bulk-16-byte-sample", description: `One 16-byte bulk sample on stream 1, sequence 1000000, on the BLE leg: ${bulkBytes} bytes, so ${bulkBytes - 16} bytes of overhead (2 oneof tag and length, 2 stream, 4 sequence, 2 payload tag and length), within the 12-byte target.`, requirements: ["ENV-1", "ENV-4"] },
      BULK_SAMPLE,
    ),
    message(
      { name: "events-audio-run", description: `A realtime run of ${AUDIO_FRAMES.length} 160-byte audio frames on stream 2 (TTL 250 ms, BLE leg): 3 bytes of length prefix per frame, ${audioBytes} bytes in all for ${audioPayload} bytes of payload.`, requirements: ["ENV-1", "ENV-6", "PRIO-2", "PRIO-5"] },
      AUDIO_RUN,
    ),
    message(
      { name: "events-server-leg", description: "A run on the server leg, where the epoch is required: two realtime events with 1500 ms to live.", requirements: ["ENV-5", "ID-1", "ID-2", "PRIO-5"] },
      msg.events({ stream: STREAM.samples, firstSeq: 40n, priority: "realtime", ttlMs: 1500, epoch: EPOCH, payloads: [counting(4, 0x60), counting(4, 0x64)] }),
    ),
    message(
      { name: "events-full-signed", description: "A critical run with every field set, signed: two alarms with real Ed25519 signatures by the test device key (see device-info-signed) over FERRY-EVENT-V1, device id 0102030405060708, the epoch, stream, sequence and payload.", requirements: ["ENV-1", "ENV-5", "PRIO-2", "SEC-8"] },
      msg.events({
        stream: STREAM.alarm,
        firstSeq: 42n,
        priority: "critical",
        ttlMs: 600000,
        epoch: EPOCH,
        payloads: alarms,
        signatures: alarms.map((p, i) => signEvent({ deviceId: DEVICE_ID, epoch: EPOCH, stream: STREAM.alarm, seq: 42n + BigInt(i) }, p)),
      }),
    ),
    message({ name: "events-max-sequence", description: "The last sequence number a device may use in an epoch: 2^64-2 = 18446744073709551614 (a 10-byte varint).", requirements: ["ID-5"] }, msg.events({ stream: STREAM.samples, firstSeq: MAX_U64 - 1n, epoch: EPOCH, payloads: [hex("ff")] })),
    message({ name: "events-run-ends-at-max-sequence", description: "A run of three events whose last is sequence 2^64-2: first_seq 18446744073709551612.", requirements: ["ID-5", "ENV-1"] }, msg.events({ stream: STREAM.samples, firstSeq: MAX_U64 - 3n, epoch: EPOCH, payloads: [hex("01"), hex("02"), hex("03")] })),
    message({ name: "accounting-minimal", description: "One event (stream 0, sequence 0) accounted as expired.", requirements: ["ACK-9", "ACK-11"] }, msg.accounting({ stream: 0, epoch: 0, ranges: [{ first: 0n, last: 0n, reason: "expired" }] })),
    message(
      { name: "accounting-full", description: "Ranges of the audio stream accounted with each reason: expired, dropped by overflow, rejected for a bad signature.", requirements: ["ACK-9", "ACK-11", "PRIO-6", "PRIO-10", "SEC-11"] },
      msg.accounting({ stream: STREAM.audio, epoch: EPOCH, ranges: [{ first: 100n, last: 149n, reason: "expired" }, { first: 150n, last: 159n, reason: "overflow" }, { first: 160n, last: 160n, reason: "rejected" }] }),
    ),
    message(
      { name: "accounting-lost", description: "Sequence numbers 0 to 499 of the samples stream declared lost by the server after its gap timeout: an app took custody of them and was wiped before forwarding.", requirements: ["ACK-21", "ACK-9"] },
      msg.accounting({ stream: STREAM.samples, epoch: EPOCH, ranges: [{ first: 0n, last: 499n, reason: "lost" }] }),
    ),
    message({ name: "ack-message-empty", description: "An Ack with nothing in it: acknowledges nothing, leaves the window unchanged, scope HOP. An empty body still selects the Ack.", requirements: ["ACK-2", "FLOW-3"] }, msg.ack()),
    message(
      { name: "ack-message-end-to-end", description: "The app relays the server's custody of the alarm stream to the device: the server's StreamAck unchanged (so with its explicit epoch), scope END_TO_END.", requirements: ["ACK-13", "ACK-14"] },
      msg.ack({ streams: [streamAck({ stream: STREAM.alarm, epoch: EPOCH, nextSeq: 44n })], scope: "end-to-end" }),
    ),
    message({ name: "command-minimal", description: "The first command of a device (ids start at 1) with an empty payload and no expiry.", requirements: ["CMD-2", "CMD-3"] }, msg.command({ id: 1n, payload: new Uint8Array(0), ttlMs: 0 })),
    message({ name: "command-full", description: "Command 7, payload \"unlock\", 30 s to live.", requirements: ["CMD-2", "CMD-3", "CMD-6"] }, msg.command({ id: 7n, payload: utf8("unlock"), ttlMs: 30000 })),
    message({ name: "command-ack-minimal", description: "Command 1 received (held durably), scope HOP: both enums at their zero values.", requirements: ["CMD-4"] }, msg.commandAck({ ids: [1n], outcome: "received", scope: "hop" })),
    message({ name: "command-ack-full", description: "Commands 7, 8 and 2^64-1 executed by the device, reported end to end.", requirements: ["CMD-4", "ACK-13"] }, msg.commandAck({ ids: [7n, 8n, MAX_U64], outcome: "executed", scope: "end-to-end" })),
    message({ name: "error-minimal", description: "An Error with a code only: MALFORMED (1).", requirements: ["ERR-1", "ERR-2"] }, msg.error({ code: 1, detail: "" })),
    message(
      { name: "error-full", description: "SEQUENCE_REGRESSION (30) with a detail for logs and the stream concerned (as in device-sequence-regression).", requirements: ["ERR-1", "ERR-2", "ERR-3"] },
      msg.error({ code: 30, detail: "app holds stream 1 up to 499; device's next seq is 10", stream: { stream: STREAM.samples, epoch: EPOCH, seq: 10n } }),
    ),
    message({ name: "wake-hint-minimal", description: "A WakeHint with every field at its default: the body alone asks the app to wake.", requirements: ["LIFE-14"] }, msg.wakeHint({ stream: 0, seq: 0n, summary: new Uint8Array(0) })),
    message({ name: "wake-hint-full", description: "A hub's wake hint for alarm 17: \"smoke:kitchen\".", requirements: ["LIFE-14", "LIFE-15"] }, msg.wakeHint({ stream: STREAM.alarm, seq: 17n, summary: utf8("smoke:kitchen") })),
    message({ name: "wake-hint-summary-64-bytes", description: "A wake hint summary of exactly 64 bytes, the most allowed.", requirements: ["LIFE-15"] }, msg.wakeHint({ stream: STREAM.alarm, seq: 18n, summary: counting(64, 0x30) })),
    message({ name: "message-at-max-message", description: `The ${bulkBytes}-byte events-bulk-16-byte-sample decoded with max_message ${bulkBytes}: a message of exactly the limit is accepted.`, requirements: ["ENV-8"] }, BULK_SAMPLE, { maxMessage: bulkBytes }),
    decodes("message", { name: "unknown-field-ignored", description: "A run with an unknown field 15 (varint 1) after its payload: the field is ignored. Not canonical: encoders never write it.", requirements: ["VER-4"] }, hex("1a 05 32 01 41 78 01"), { canonical: false }),
    decodes("message", { name: "unknown-group-field-ignored", description: "A run with an unknown field 15 encoded as an (empty) group: skipped like any unknown field. Not canonical.", requirements: ["VER-4"] }, hex("1a 05 32 01 41 7b 7c"), { canonical: false }),
    decodes("message", { name: "fields-out-of-order", description: "A run whose payload (field 6) comes before first_seq (field 2): protobuf fields may arrive in any order. Not canonical: encoders write fields in number order.", requirements: ["ENV-7"] }, hex("1a 05 32 01 41 10 05"), { canonical: false }),
    decodes("message", { name: "majors-unpacked", description: "A Hello whose majors 1 and 2 are written unpacked (one tag each): proto3 decoders accept both forms of a repeated scalar. Not canonical: proto3 packs.", requirements: ["VER-2", "ENV-7"] }, hex("0a 04 08 01 08 02"), { canonical: false }),
  ],
};
