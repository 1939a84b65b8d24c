/**
 * What the device reports about itself, for tests, the conformance toolkit
 * and the CLI's JSON lines: a typed event per thing that happened, so a
 * harness can count what was produced, acknowledged, accounted and
 * executed without reading the wire.
 */
import type { CommandOutcome, Range, Reason, Scope } from "@ferry/protocol";

export type EpochCause = "blank" | "corrupt" | "regression";

export type Observation =
  /** An event took its sequence number and is durable in flash [LIFE-3]. */
  | { event: "produced"; stream: number; epoch: number; seq: bigint }
  /** An Ack (or Hello custody) covered items: `freed` left custody, `kept` are critical and wait for END_TO_END [ACK-14]. */
  | { event: "acknowledged"; stream: number; epoch: number; scope: Scope; freed: Range[]; kept: Range[] }
  /** The overflow policy dropped these [PRIO-10]; accounted OVERFLOW. */
  | { event: "dropped"; stream: number; epoch: number; ranges: Range[]; reason: Reason }
  /** Deadlines passed before sending; accounted EXPIRED [PRIO-6]. */
  | { event: "expired"; stream: number; epoch: number; ranges: Range[] }
  /** A command taken (or a duplicate answered) and its outcome [CMD-9]. */
  | { event: "command"; id: bigint; payload: Uint8Array; outcome: CommandOutcome; duplicate: boolean }
  /** A new epoch: blank or corrupt flash at boot, or a sequence regression [ID-2]. */
  | { event: "epoch"; epoch: number; previous: number; cause: EpochCause; detail?: string }
  | { event: "connected" }
  | { event: "disconnected"; reason: number; by: "central" | "device" | "link" }
  /** The handshake completed: Welcome sent, replay begins [DHS-4]. */
  | { event: "session"; window: { events: number; bytes: number }; maxMessage: number; mtu: number }
  /** An Error sent to the app, or received from it [ERR-1]. */
  | { event: "error"; direction: "sent" | "received"; code: number; detail: string };

export type ObservationKind = Observation["event"];
