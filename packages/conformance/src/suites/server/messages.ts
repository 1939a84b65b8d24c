/** Messages the server suite sends, built field by field so hostile variants are one override away. */
import { randomBytes } from "node:crypto";
import { Feature, type AccountedRange, type Hello, type Message, type Priority, type StreamAck } from "@ferry/protocol";

/** What the checker offers: every server-leg feature but signatures [VER-7]. */
export const CLIENT_FEATURES = Feature.commands | Feature.httpBatch;

/**
 * A fresh (device, epoch) sequence space for each scenario [ID-6]. Drawn at
 * random, not from the seed: a server keeps what an earlier run stored, so
 * a replay must not land on the identities the first run used. Everything
 * else a case does follows from the seed.
 */
export function freshEpoch(): number {
  return (randomBytes(4).readUInt32BE(0) % 0xffff_fffe) + 1;
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The payload of event `seq` of a scenario: distinct per identity, so a conflict is a different payload. */
export const payloadOf = (tag: string, seq: bigint): Uint8Array => utf8(`${tag}#${seq}`);

export function helloOf(deviceId: Uint8Array, credential: string, over: Partial<Hello> = {}): Message {
  return {
    type: "hello",
    hello: {
      majors: [1],
      minor: 0,
      role: "app",
      deviceId,
      features: CLIENT_FEATURES,
      credential: utf8(credential),
      resumeToken: new Uint8Array(0),
      custody: [],
      maxMessage: 0,
      wakeBudgetMs: 0,
      pending: [],
      ...over,
    },
  };
}

export function eventsOf(stream: number, epoch: number, firstSeq: bigint, payloads: Uint8Array[], priority: Priority = "bulk"): Message {
  return { type: "events", events: { stream, firstSeq, priority, ttlMs: 0, epoch, payloads, signatures: [] } };
}

/** `count` events from `firstSeq` with the scenario's payloads. */
export function runOf(stream: number, epoch: number, firstSeq: bigint, count: number, tag: string, priority: Priority = "bulk"): Message {
  const payloads = Array.from({ length: count }, (_, i) => payloadOf(tag, firstSeq + BigInt(i)));
  return eventsOf(stream, epoch, firstSeq, payloads, priority);
}

export function accountingOf(stream: number, epoch: number, ranges: AccountedRange[]): Message {
  return { type: "accounting", accounting: { stream, epoch, ranges } };
}

/** Whether a StreamAck covers a sequence: below next_seq, or in a received or accounted range [ACK-3]. */
export function covers(ack: StreamAck, seq: bigint): boolean {
  return seq < ack.nextSeq || ack.received.some((r) => r.first <= seq && seq <= r.last) || ack.accounted.some((r) => r.first <= seq && seq <= r.last);
}

export function coversAll(ack: StreamAck, first: bigint, last: bigint): boolean {
  for (let s = first; s <= last; s++) if (!covers(ack, s)) return false;
  return true;
}

/** The StreamAck of (stream, epoch) in an Ack or Welcome.custody. */
export const streamAckOf = (acks: readonly StreamAck[], stream: number, epoch: number): StreamAck | undefined => acks.find((a) => a.stream === stream && a.epoch === epoch);

export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
