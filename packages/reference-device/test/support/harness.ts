/**
 * The reference device and the test central in one process, joined by a
 * link that delivers each frame in a microtask (in order, never
 * re-entrantly), with a clock the test moves.
 */
import { Prng } from "@ferry/protocol/sim";
import { MemoryFlash, VglPeripheral, referenceStreams, type DeviceConfig, type Observation } from "../../src/index.js";
import { TestCentral } from "./central.js";

export const SEED = Number(process.env.FERRY_SEED ?? 20261122);

export interface Harness {
  link: VglPeripheral;
  central: TestCentral;
  flash: MemoryFlash;
  clock: { now: number };
  observations: Observation[];
  /** Frames the device wrote, as bytes. */
  sent: Uint8Array[];
  produce(stream: number, payload?: Uint8Array): bigint;
  /** Moves the clock and polls the device. */
  advance(ms: number): Promise<void>;
}

export function testConfig(over: Partial<DeviceConfig> = {}): DeviceConfig {
  return { deviceId: new Uint8Array([0xd0, 0x0d, 0x00, 0x01]), name: "ferry-test", streams: referenceStreams(), capacity: 64, ...over };
}

export function inProcess(config: DeviceConfig = testConfig(), options: { flash?: MemoryFlash; seed?: number; now?: number } = {}): Harness {
  const clock = { now: options.now ?? 0 };
  const flash = options.flash ?? new MemoryFlash();
  const rng = new Prng(options.seed ?? SEED);
  const observations: Observation[] = [];
  const sent: Uint8Array[] = [];
  let central: TestCentral | undefined;
  const link = VglPeripheral.create(
    { config, flash, randomU32: () => rng.u32(), now: clock.now, observe: (o) => observations.push(o) },
    {
      write: (b) => {
        const copy = b.slice();
        sent.push(copy);
        queueMicrotask(() => central!.feed(copy));
      },
    },
  );
  central = new TestCentral((b) => {
    const copy = b.slice();
    queueMicrotask(() => link.handleBytes(copy, clock.now));
  });
  let counter = 0;
  return {
    link,
    central,
    flash,
    clock,
    observations,
    sent,
    produce: (stream, payload) => link.device.produce(stream, payload ?? new Uint8Array([stream, counter++ & 0xff]), clock.now),
    advance: async (ms) => {
      clock.now += ms;
      link.poll(clock.now);
      await settle();
    },
  };
}

/** Lets every queued frame be delivered. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export function ofKind<K extends Observation["event"]>(observations: Observation[], kind: K): Extract<Observation, { event: K }>[] {
  return observations.filter((o): o is Extract<Observation, { event: K }> => o.event === kind);
}
