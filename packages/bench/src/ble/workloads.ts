/**
 * The BLE workloads of issue 7, as event schedules and the device's sending
 * policy. Assumptions (stated again in docs/benchmarks.md):
 *
 * - sensor: a 16-byte sample every second on stream 1 (bulk, no TTL), sent
 *   as soon as it is produced: one event per run, since waiting for more
 *   would delay it by seconds.
 * - audio: a 160-byte frame every 20 ms (64 kbit/s) on stream 3 (realtime,
 *   TTL 2 s), which the device collects for a batching interval and then
 *   sends as one run; the interval is swept, from 20 ms (each frame alone)
 *   to 500 ms (25 frames, the largest run within the 4,096-byte default
 *   max_message; chapter 9.6.4).
 * - backlog: 1,000 samples of 16 bytes buffered while the app was away,
 *   sent at once on reconnection within the app's default window of 128
 *   events [FLOW-2], each window acknowledged before the next.
 *
 * Sequence numbers start where long-lived streams are (chapter 3.5):
 * 1,000,000 for the samples (11 days at 1 Hz), 5,000,000 for audio.
 */
import type { UplinkWorkload } from "./uplink.js";

export interface NamedWorkload {
  name: string;
  description: string;
  /** Batching interval of the device, for the audio sweep. */
  batchMs?: number;
  workload: UplinkWorkload;
}

const payload = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (seed * 31 + i) & 0xff);
const times = (count: number, everyMs: number): number[] => Array.from({ length: count }, (_, i) => i * everyMs);

export const SAMPLE_BYTES = 16;
export const AUDIO_FRAME_BYTES = 160;
export const AUDIO_FRAME_MS = 20;
export const AUDIO_TTL_MS = 2000;
export const AUDIO_BATCHES_MS = [20, 100, 200, 280, 500] as const;
/** The headline audio configuration (the target check uses it). */
export const AUDIO_HEADLINE_BATCH_MS = 500;
export const BACKLOG_EVENTS = 1000;
export const SENSOR = "sensor-1hz";
export const BACKLOG = "backlog-burst";
export const audioName = (batchMs: number): string => `audio-20ms-batch-${batchMs}ms`;

export function sensorWorkload(seconds: number): NamedWorkload {
  const at = times(seconds, 1000);
  return {
    name: SENSOR,
    description: "16-byte samples at 1 Hz, each sent alone as produced",
    workload: { stream: 1, priority: "bulk", ttlMs: 0, firstSeq: 1_000_000n, events: at.map((t, i) => ({ at: t, payload: payload(SAMPLE_BYTES, i) })), flushes: at },
  };
}

export function audioWorkload(seconds: number, batchMs: number): NamedWorkload {
  const frames = Math.round((seconds * 1000) / AUDIO_FRAME_MS);
  const at = times(frames, AUDIO_FRAME_MS);
  // The device sends at the end of each interval what the interval produced.
  const flushes = times(Math.ceil((frames * AUDIO_FRAME_MS) / batchMs), batchMs).map((t) => t + batchMs - AUDIO_FRAME_MS);
  return {
    name: audioName(batchMs),
    description: `160-byte audio frames every 20 ms, TTL 2 s, sent in runs every ${batchMs} ms (${batchMs / AUDIO_FRAME_MS} frame${batchMs === AUDIO_FRAME_MS ? "" : "s"})`,
    batchMs,
    workload: { stream: 3, priority: "realtime", ttlMs: AUDIO_TTL_MS, firstSeq: 5_000_000n, events: at.map((t, i) => ({ at: t, payload: payload(AUDIO_FRAME_BYTES, i) })), flushes },
  };
}

export function backlogWorkload(events = BACKLOG_EVENTS): NamedWorkload {
  return {
    name: BACKLOG,
    description: `${events} buffered 16-byte samples sent on reconnection, window 128 events`,
    workload: { stream: 1, priority: "bulk", ttlMs: 0, firstSeq: 1_000_000n, events: Array.from({ length: events }, (_, i) => ({ at: 0, payload: payload(SAMPLE_BYTES, i) })), flushes: [0] },
  };
}

export function bleWorkloads(o: { sensorSeconds: number; audioSeconds: number; backlogEvents: number }): NamedWorkload[] {
  return [sensorWorkload(o.sensorSeconds), ...AUDIO_BATCHES_MS.map((b) => audioWorkload(o.audioSeconds, b)), backlogWorkload(o.backlogEvents)];
}
