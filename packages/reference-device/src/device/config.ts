/**
 * What a vendor configures in its firmware build: identity for a blank
 * flash, the streams and their classes [ID-4] [ENV-12], the buffer
 * capacity [PRIO-9], the limits it announces, and the window it grants for
 * commands [FLOW-2].
 */
import { DEFAULT_WINDOW, Feature, type Priority, type Window } from "@ferry/protocol";

export interface StreamConfig {
  stream: number;
  /** At most 32 bytes of UTF-8 [ENV-12]. */
  name: string;
  priority: Priority;
  /** Default time to live of the stream's events; 0 or absent: none [PRIO-5]. */
  ttlMs?: number;
}

export interface DeviceConfig {
  /** The device id written to a blank flash [ID-3]; default 8 random bytes. */
  deviceId?: Uint8Array;
  /** Advertising name, sent in CONNECTED (10.2). */
  name?: string;
  streams: StreamConfig[];
  /** Events the buffer holds before the overflow policy applies [PRIO-9]. */
  capacity: number;
  /** Largest ATT_MTU accepted [GATT-11]; default 247. */
  maxMtu?: number;
  /** DeviceInfo.max_message: largest Message accepted; 0 = the BLE default, 4096 [ENV-8]. */
  maxMessage?: number;
  /** Window granted to the app for commands; default {1, 4096} [FLOW-2]. */
  window?: Window;
  /** DeviceInfo.features; default FEATURE_COMMANDS. */
  features?: number;
  /** Resend what stays unacknowledged this long within a connection [ACK-18]; default 5000. */
  retransmitTimeoutMs?: number;
  /** Disconnect when no Hello came this long after connecting [DHS-10]; default 30000. */
  helloTimeoutMs?: number;
}

export const DEVICE_DEFAULTS = {
  name: "ferry-device",
  maxMtu: 247,
  maxMessage: 0,
  window: DEFAULT_WINDOW.deviceGrantsApp,
  features: Feature.commands,
  retransmitTimeoutMs: 5000,
  helloTimeoutMs: 30_000,
  /** An ATT request or indication unanswered this long ends the connection (10.3). */
  attTimeoutMs: 30_000,
  /** Command outcomes remembered for duplicates (8.4: "the last 16 at least"). */
  recentCommands: 16,
} as const;

/** [ENV-9] no event longer than this, so each fits alone in a run within any app's limit. */
export const MAX_PAYLOAD = 16_255;

/** The reference device's streams: an alarm, live audio and periodic samples. */
export function referenceStreams(audioTtlMs = 2000): StreamConfig[] {
  return [
    { stream: 1, name: "alarm", priority: "critical" },
    { stream: 2, name: "audio", priority: "realtime", ttlMs: audioTtlMs },
    { stream: 3, name: "samples", priority: "bulk" },
  ];
}

/** max_message 0 means 4096 on BLE; above 16383 it counts as 16383 [ENV-8] [FRAG-7]. */
export function effectiveMaxMessage(maxMessage: number): number {
  return maxMessage === 0 ? 4096 : Math.min(maxMessage, 16_383);
}
