/**
 * acks.json: the bare Ack, as the HTTP batch binding answers a Batch: custody
 * (cumulative, selective, accounted), window refresh, scope, and the ways an
 * Ack is refused.
 */
import Long from "long";
import { encodeAck } from "../../src/codec/binary.js";
import { MAX_U64 } from "../../src/message.js";
import { ackVector, hex, refuses, wire } from "./build.js";
import { ack, EPOCH, STREAM, streamAck } from "./fixtures.js";
import type { VectorGroup } from "./group.js";

const u64 = (v: bigint) => Long.fromString(v.toString(), true);
const full = ack({
  streams: [
    streamAck({ stream: STREAM.samples, epoch: EPOCH, nextSeq: 1200n, received: [{ first: 1210n, last: 1219n }] }),
    streamAck({ stream: STREAM.audio, epoch: EPOCH, nextSeq: 5000n, accounted: [{ first: 4800n, last: 4807n, reason: "expired" }] }),
    streamAck({ stream: STREAM.alarm, epoch: EPOCH, nextSeq: 44n }),
  ],
  window: { events: 512, bytes: 262144 },
  commandsPending: 1,
});

export const acks: VectorGroup = {
  file: "acks.json",
  group: "acks",
  description: "Bare Ack encodings (the HTTP batch binding's answer) and their proto3 JSON form, and Ack bytes a decoder must refuse.",
  vectors: () => [
    ackVector({ name: "ack-empty", description: "An Ack of zero bytes: no streams, window unchanged, scope HOP, no commands pending.", requirements: ["ACK-2", "FLOW-3"] }, ack()),
    ackVector({ name: "ack-cumulative", description: "Everything of stream 1 below 3600 is held: next_seq 3600 (one hour of 1 Hz samples).", requirements: ["ACK-3", "ACK-4"] }, ack({ streams: [streamAck({ stream: STREAM.samples, epoch: EPOCH, nextSeq: 3600n })] })),
    ackVector(
      { name: "ack-selective", description: "next_seq 100, and 102..104, 110..110 and 120..150 held above it: 100, 101, 105..109 and 111..119 are missing.", requirements: ["ACK-3", "ACK-4", "ACK-6"] },
      ack({ streams: [streamAck({ stream: STREAM.samples, epoch: EPOCH, nextSeq: 100n, received: [{ first: 102n, last: 104n }, { first: 110n, last: 110n }, { first: 120n, last: 150n }] })] }),
    ),
    ackVector(
      { name: "ack-accounted", description: "Audio custody with accounted ranges: 4800..4807 expired on arrival (below next_seq, the receiver's own accounting) and 5010..5019 dropped by overflow above it, which frees the sender like a selective range.", requirements: ["ACK-9"] },
      ack({ streams: [streamAck({ stream: STREAM.audio, epoch: EPOCH, nextSeq: 5000n, accounted: [{ first: 4800n, last: 4807n, reason: "expired" }, { first: 5010n, last: 5019n, reason: "overflow" }] })] }),
    ),
    ackVector({ name: "ack-window-refresh", description: "An Ack that only opens the window: 64 events, 16 KiB.", requirements: ["FLOW-1", "FLOW-3"] }, ack({ window: { events: 64, bytes: 16384 } })),
    ackVector({ name: "ack-window-stop", description: "An Ack granting Window{0, 0}: the window is present (12 00) and empty, which stops the sender; an absent window would leave it unchanged.", requirements: ["FLOW-1", "FLOW-3"] }, ack({ window: { events: 0, bytes: 0 } })),
    ackVector({ name: "ack-end-to-end", description: "The server's custody of alarms relayed by the app: scope END_TO_END.", requirements: ["ACK-13", "ACK-14"] }, ack({ streams: [streamAck({ stream: STREAM.alarm, epoch: EPOCH, nextSeq: 44n })], scope: "end-to-end" })),
    ackVector({ name: "ack-commands-pending", description: "An HTTP batch answer telling the app 2 commands wait for the device: open a WebSocket when possible.", requirements: ["HTTP-5", "HTTP-9"] }, ack({ streams: [streamAck({ stream: STREAM.samples, epoch: EPOCH, nextSeq: 10n })], commandsPending: 2 })),
    ackVector({ name: "ack-max-sequence", description: "The top of the sequence space: everything below 2^64-3 held, 2^64-3 missing, 2^64-2 (the last number a device assigns) held selectively (both as 10-byte varints).", requirements: ["ACK-4", "ACK-6", "ID-5"] }, ack({ streams: [streamAck({ stream: STREAM.samples, epoch: EPOCH, nextSeq: MAX_U64 - 2n, received: [{ first: MAX_U64 - 1n, last: MAX_U64 - 1n }] })] })),
    ackVector({ name: "ack-whole-sequence-space", description: "next_seq 2^64-1: every sequence number a device can assign is held or accounted; 2^64-1 itself is never assigned [ID-5].", requirements: ["ACK-4", "ID-5"] }, ack({ streams: [streamAck({ stream: STREAM.samples, epoch: EPOCH, nextSeq: MAX_U64, received: [] })] })),
    ackVector({ name: "ack-full", description: "Three streams (selective, accounted, cumulative), a window and a pending command.", requirements: ["ACK-2", "ACK-3", "ACK-4", "ACK-6", "ACK-9", "FLOW-3", "HTTP-9"] }, full),
    refuses("ack", { name: "ack-malformed-truncated", description: "An Ack whose StreamAck declares 6 bytes and 2 follow.", requirements: ["ERR-2"] }, hex("0a 06 08 01"), "MALFORMED"),
    refuses("ack", { name: "ack-invalid-range-reversed", description: "A selective range 30..20.", requirements: ["ACK-6"] }, wire.ack({ streams: [{ stream: 1, nextSeq: u64(10n), received: [{ first: u64(30n), last: u64(20n) }] }] }), "INVALID_FIELD"),
    refuses("ack", { name: "ack-invalid-accounted-reason-unspecified", description: "An accounted range without a reason.", requirements: ["ACK-10"] }, wire.ack({ streams: [{ stream: 2, nextSeq: u64(10n), accounted: [{ first: u64(3n), last: u64(4n) }] }] }), "INVALID_FIELD"),
    refuses("ack", { name: "ack-too-large", description: "The ack-full Ack decoded with max_message 16.", requirements: ["ENV-8"] }, encodeAck(full), "MESSAGE_TOO_LARGE", 16),
  ],
};
