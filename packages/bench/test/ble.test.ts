/**
 * The BLE model against the worked numbers of spec chapter 9.6.4: the real
 * StreamSender, encoder and Fragmenter must give the chapter's efficiencies.
 */
import { describe, expect, it } from "vitest";
import { ferryCeiling } from "../src/ble/bench.js";
import { btpFragmentCount, btpNotificationBytes } from "../src/ble/btp.js";
import { runUplink } from "../src/ble/uplink.js";
import { audioWorkload, backlogWorkload, sensorWorkload } from "../src/ble/workloads.js";

const pct = (t: { payloadBytes: number; notificationBytes: number }) => Math.round((t.payloadBytes / t.notificationBytes) * 10_000) / 100;

describe("BLE efficiency model", () => {
  it("[FRAG-6] [ENV-3] reproduces chapter 9.6.4: audio at MTU 247 in runs of 1, 14 and 25 frames", () => {
    expect(pct(runUplink(audioWorkload(10, 20).workload, 247))).toBe(88.4);
    expect(pct(runUplink(audioWorkload(14 * 0.02 * 10, 280).workload, 247))).toBe(97.01);
    expect(pct(runUplink(audioWorkload(10, 500).workload, 247))).toBe(97.35);
  });

  it("[FRAG-3] [FRAG-4] reads a 2-byte length on first fragments of long SDUs and 1-byte continuation headers", () => {
    const t = runUplink(audioWorkload(1, 500).workload, 23);
    expect(t.maxFirstHeader).toBe(3);
    expect(t.maxContinuationHeader).toBe(1);
    expect(runUplink(sensorWorkload(3).workload, 247)).toMatchObject({ sdus: 3, notifications: 3, maxFirstHeader: 2, maxEnvelopeOverhead: 10 });
  });

  it("[FLOW-1] sends a backlog in runs no longer than the app's window of 128 events", () => {
    const t = runUplink(backlogWorkload(1000).workload, 247);
    expect(t.events).toBe(1000);
    expect(t.sdus).toBe(Math.ceil(1000 / 128));
  });

  it("counts BTP-like headers: 5 bytes first, 3 per continuation, fragments filled to F", () => {
    expect(btpFragmentCount(239, 247)).toBe(1);
    expect(btpFragmentCount(240, 247)).toBe(2);
    expect(btpNotificationBytes(240, 247)).toBe(240 + 5 + 3);
  });

  it("puts the ceiling at the chapter's limit for 160-byte frames at MTU 247", () => {
    expect(ferryCeiling(160, 247)).toBeCloseTo((160 / 163) * (243 / 244), 12);
  });
});
