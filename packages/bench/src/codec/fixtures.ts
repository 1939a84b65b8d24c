/**
 * The messages the codec benchmark encodes and decodes: the envelopes and
 * acknowledgement of a typical server-leg session (explicit epoch [ENV-5]),
 * with the sequence widths of long-lived streams (chapter 3.5).
 */
import type { Message } from "@ferry/protocol";

export const EPOCH = 0x5a17c0de;

const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (seed + i * 7) & 0xff);

export interface Fixture {
  name: string;
  description: string;
  message: Message;
  /** Events the message carries (0 for an acknowledgement). */
  events: number;
}

/** One 16-byte sample: the smallest envelope, where per-message cost dominates. */
export function sampleEnvelope(n = 1): Message {
  return {
    type: "events",
    events: {
      stream: 1,
      firstSeq: 1_000_000n,
      priority: "bulk",
      ttlMs: 0,
      epoch: EPOCH,
      payloads: Array.from({ length: n }, (_, i) => bytes(16, i)),
      signatures: [],
    },
  };
}

/** 25 audio frames of 160 bytes (500 ms), realtime with a 2 s TTL: the chapter 9.6.4 run. */
export function audioEnvelope(): Message {
  return {
    type: "events",
    events: {
      stream: 3,
      firstSeq: 5_000_000n,
      priority: "realtime",
      ttlMs: 2000,
      epoch: EPOCH,
      payloads: Array.from({ length: 25 }, (_, i) => bytes(160, i)),
      signatures: [],
    },
  };
}

/** An Ack of two streams with a selective range, an accounted range and a window refresh. */
export function typicalAck(): Message {
  return {
    type: "ack",
    ack: {
      streams: [
        { stream: 1, epoch: EPOCH, nextSeq: 1_000_001n, received: [{ first: 1_000_005n, last: 1_000_009n }], accounted: [] },
        { stream: 3, epoch: EPOCH, nextSeq: 5_000_025n, received: [], accounted: [{ first: 5_000_030n, last: 5_000_031n, reason: "expired" }] },
      ],
      window: { events: 1024, bytes: 1_048_576 },
      scope: "hop",
      commandsPending: 0,
    },
  };
}

export function codecFixtures(): Fixture[] {
  return [
    { name: "envelope-1x16B", description: "EventRun, one 16-byte event", message: sampleEnvelope(), events: 1 },
    { name: "envelope-25x160B", description: "EventRun, 25 audio frames of 160 bytes", message: audioEnvelope(), events: 25 },
    { name: "ack-2-streams", description: "Ack of 2 streams (selective and accounted ranges, window)", message: typicalAck(), events: 0 },
  ];
}
