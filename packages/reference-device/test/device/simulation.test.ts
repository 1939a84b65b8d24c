/**
 * The device as a node of @ferry/protocol/sim's Simulation, as the
 * conformance toolkit runs it: frames travel on SimLinks, time is virtual,
 * and the device's timers fire from pollAt().
 */
import { describe, expect, it } from "vitest";
import { Simulation } from "@ferry/protocol/sim";
import { FrameDecoder, decodeVglFrame, encodeVglMessage, type VglMessage } from "@ferry/protocol/vgl";
import { MemoryFlash, VglPeripheral, type Observation } from "../../src/index.js";
import { SEED, ofKind, testConfig } from "../support/harness.js";

describe("in the deterministic simulator", () => {
  it("[DHS-10] [PRIO-6] runs on virtual time: the Hello timeout and expiry fire at their deadlines, deterministically", () => {
    const run = () => {
      const sim = new Simulation({ seed: SEED });
      const observations: Array<[number, Observation]> = [];
      const received: Array<[number, VglMessage]> = [];
      const decoder = new FrameDecoder();
      const toCentral = sim.link<Uint8Array>((b, now) => {
        for (const f of decoder.push(b).frames) {
          const r = decodeVglFrame(f);
          if (r.ok) received.push([now, r.message]);
        }
      }, { delayMs: 5 });
      const device = sim.addNode(
        VglPeripheral.create(
          { config: testConfig({ streams: [{ stream: 2, name: "audio", priority: "realtime", ttlMs: 2000 }] }), flash: new MemoryFlash(), randomU32: () => sim.rng.u32(), now: sim.now, observe: (o) => observations.push([sim.now, o]) },
          { write: (b) => toCentral.send(b) },
        ),
      );
      const toDevice = sim.link<Uint8Array>((b, now) => device.handleBytes(b, now), { delayMs: 5 });
      sim.at(0, () => toDevice.send(encodeVglMessage({ channel: "linkControl", control: { type: "connect", vglVersion: 1 } })));
      sim.at(100, () => device.device.produce(2, new Uint8Array(160), sim.now));
      const result = sim.drive({ until: 60_000 });
      return { result, observations, received };
    };
    const a = run();
    expect(a.result.idle).toBe(true);
    expect(a.received.map(([t, m]) => [t, m.channel === "linkControl" ? m.control.type : m.pdu.type])).toEqual([
      [10, "connected"],
      [30_010, "disconnect"],
    ]);
    expect(ofKind(a.observations.map(([, o]) => o), "expired")).toHaveLength(1);
    expect(a.observations.find(([, o]) => o.event === "expired")![0]).toBe(2100);
    const b = run();
    expect(b.observations.map(([t, o]) => [t, o.event])).toEqual(a.observations.map(([t, o]) => [t, o.event]));
  });
});
