/**
 * Power cycles in process: a Device built again on the same MemoryFlash is
 * the same firmware after a reset. What the flash keeps, and what a blank or
 * corrupt flash costs [LIFE-2] [ID-2].
 */
import { describe, expect, it } from "vitest";
import { Prng } from "@ferry/protocol/sim";
import { decodeImage, Device, encodeImage, MemoryFlash, type Observation } from "../../src/index.js";
import { SEED, ofKind, testConfig } from "../support/harness.js";

function device(flash: MemoryFlash, seed = SEED, now = 0, observations: Observation[] = []) {
  const rng = new Prng(seed);
  return new Device({ config: testConfig(), flash, randomU32: () => rng.u32(), now, send: () => {}, observe: (o) => observations.push(o) });
}

describe("boot and power cycles", () => {
  it("[ID-2] a blank flash gets a non-zero random epoch, streams at 0, persisted before anything is produced", () => {
    const flash = new MemoryFlash();
    const observations: Observation[] = [];
    const d = device(flash, SEED, 0, observations);
    expect(d.epoch).not.toBe(0);
    expect(flash.writes).toBe(1);
    const image = decodeImage(flash.read()!);
    expect(image.ok && image.state.epoch).toBe(d.epoch);
    expect(ofKind(observations, "epoch")).toEqual([{ event: "epoch", epoch: d.epoch, previous: 0, cause: "blank", detail: "no image" }]);
    expect(d.status().streams.map((s) => s.nextSeq)).toEqual([0n, 0n, 0n]);
  });

  it("[LIFE-2] [LIFE-3] [ID-5] a power cycle keeps the epoch, every counter and every unacknowledged event", () => {
    const flash = new MemoryFlash();
    const first = device(flash);
    for (let i = 0; i < 5; i++) first.produce(3, new Uint8Array([i]), i);
    first.produce(1, new Uint8Array([0xaa]), 10);
    // Each event was durable when produce() returned [LIFE-3].
    expect(flash.writes).toBe(1 + 6);
    const again = device(flash, SEED + 1);
    expect(again.epoch).toBe(first.epoch);
    expect(again.deviceId).toEqual(first.deviceId);
    expect(again.status().streams.map((s) => [s.nextSeq, s.buffered])).toEqual([[1n, 1], [0n, 0], [5n, 5]]);
    expect(again.produce(3, new Uint8Array([9]), 0)).toBe(5n);
  });

  it("[ID-2] a wiped flash gives a new epoch and restarts every stream at 0", () => {
    const flash = new MemoryFlash();
    const first = device(flash);
    first.produce(3, new Uint8Array([1]), 0);
    flash.wipe();
    const observations: Observation[] = [];
    const again = device(flash, SEED + 7, 0, observations);
    expect(again.epoch).not.toBe(first.epoch);
    expect(again.status().streams.every((s) => s.nextSeq === 0n && s.buffered === 0)).toBe(true);
    expect(ofKind(observations, "epoch")[0]?.cause).toBe("blank");
  });

  it("[ID-2] a corrupt image is detected corruption: new epoch, counters lost", () => {
    const flash = new MemoryFlash();
    const first = device(flash);
    first.produce(3, new Uint8Array([1]), 0);
    flash.corrupt();
    const observations: Observation[] = [];
    const again = device(flash, SEED + 3, 0, observations);
    expect(again.epoch).not.toBe(first.epoch);
    expect(ofKind(observations, "epoch")[0]).toMatchObject({ cause: "corrupt", detail: "CRC mismatch" });
    expect(again.status().streams[2]!.nextSeq).toBe(0n);
  });

  it("[ID-2] never draws epoch 0 nor the previous epoch", () => {
    const draws = [0, 0, 7, 7, 9];
    const flash = new MemoryFlash();
    const d = new Device({ config: testConfig(), flash, randomU32: () => draws.shift()!, now: 0, send: () => {} });
    expect(d.epoch).toBe(7);
  });

  it("[PRIO-8] events with a TTL are accounted EXPIRED after a power cycle: no clock to trust across it", () => {
    const flash = new MemoryFlash();
    const first = device(flash);
    first.produce(2, new Uint8Array(160), 0);
    first.produce(2, new Uint8Array(160), 1);
    first.produce(3, new Uint8Array(16), 2);
    const observations: Observation[] = [];
    const again = device(flash, SEED, 0, observations);
    expect(ofKind(observations, "expired")).toEqual([{ event: "expired", stream: 2, epoch: first.epoch, ranges: [{ first: 0n, last: 1n }] }]);
    expect(again.status().streams[1]).toMatchObject({ nextSeq: 2n, buffered: 0, accounted: 2n });
    expect(again.status().streams[2]).toMatchObject({ buffered: 1 });
  });

  it("[LIFE-2] keeps the counter of a stream whose events were all acknowledged", () => {
    const flash = new MemoryFlash();
    const d = device(flash);
    // A state whose counter is above everything held, as after acknowledgements.
    const state = d.durableState();
    state.streams[2]!.state.nextSeq = 120n;
    flash.write(encodeImage(state));
    expect(device(flash).status().streams[2]!.nextSeq).toBe(120n);
  });
});
