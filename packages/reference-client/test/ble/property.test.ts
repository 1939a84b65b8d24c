/**
 * Whatever the MTUs, payload sizes, stream splits and durability timing:
 * every event the device produces reaches the sink once and intact, is
 * notified once if critical, and the device ends with nothing held once
 * the server's custody is relayed.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import type { CriticalEvent, DeviceSession } from "../../src/ble/index.js";
import { DEMO_INFO, rig, settle } from "./harness.js";

const seed = Number(process.env.FERRY_SEED ?? 20261122);
let live: DeviceSession[] = [];
afterEach(() => {
  for (const s of live) s.close();
  live = [];
});

const scenario = fc.record({
  offer: fc.integer({ min: 23, max: 517 }),
  answer: fc.integer({ min: 23, max: 517 }),
  splitSeed: fc.integer(),
  events: fc.array(fc.record({ stream: fc.constantFrom(1, 2), size: fc.integer({ min: 1, max: 2000 }), commitAfter: fc.boolean() }), { minLength: 1, maxLength: 16 }),
});

describe("central properties", () => {
  it("[ACK-2] [FRAG-1] [FRAG-12] [LIFE-8] [ACK-14] [VGL-13] every event arrives once, intact, acknowledged after durability", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ offer, answer, splitSeed, events }) => {
        const r = rig({ mtu: answer, splitSeed });
        r.sink.mode = "manual";
        const critical: CriticalEvent[] = [];
        const s = r.session({ config: { mtu: offer }, on: { critical: (e) => critical.push(e) } });
        live.push(s);
        s.start();
        await settle();
        expect(s.state).toBe("open");
        // Every hop Ack the device gets covers only what the sink has made durable [ACK-2].
        const handleAck = r.device.outbox.handleAck.bind(r.device.outbox);
        let hopAcks = 0;
        r.device.outbox.handleAck = (ack, now) => {
          for (const sa of ack.scope === "hop" ? ack.streams : []) {
            hopAcks++;
            const durable = r.sink.seqs(sa.stream, DEMO_INFO.epoch);
            for (let q = 0n; q < sa.nextSeq; q++) expect(durable).toContain(q);
            for (const g of sa.received) for (let q = g.first; q <= g.last; q++) expect(durable).toContain(q);
          }
          return handleAck(ack, now);
        };
        const produced = new Map<string, Uint8Array>();
        for (const [i, e] of events.entries()) {
          const payload = Uint8Array.from({ length: e.size }, (_, k) => (k + i) & 0xff);
          const seq = r.device.produce(e.stream, payload);
          produced.set(`${e.stream}:${seq}`, payload);
          await settle(4);
          if (e.commitAfter) r.sink.resolveAll();
        }
        for (let i = 0; i < 5; i++) {
          r.sink.resolveAll();
          await settle(6);
        }
        const taken = r.sink.takes.flatMap((t) => t.runs.flatMap((run) => run.payloads.map((p, k) => [`${run.stream}:${run.firstSeq + BigInt(k)}`, p] as const)));
        expect(new Set(taken.map(([k]) => k)).size).toBe(taken.length);
        expect(new Map(taken)).toEqual(produced);
        expect(hopAcks).toBeGreaterThan(0);
        const alarms = [...produced.keys()].filter((k) => k.startsWith("1:")).length;
        expect(critical.map((c) => `${c.stream}:${c.seq}`).sort()).toEqual([...produced.keys()].filter((k) => k.startsWith("1:")).sort());
        s.relayEndToEnd([{ stream: 1, epoch: DEMO_INFO.epoch, nextSeq: BigInt(alarms), received: [], accounted: [] }]);
        await settle(6);
        expect(r.device.outbox.isSettled).toBe(true);
        s.close();
      }),
      { seed, numRuns: 25 },
    );
  });
});
