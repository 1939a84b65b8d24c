/**
 * Test wiring for the central: a manual clock, an in-memory custody sink
 * whose durability the test controls, and a DeviceSession joined to a
 * ScriptedPeripheral through in-memory byte streams (split at random points
 * when asked, to exercise [VGL-13]).
 */
import { PassThrough } from "node:stream";
import { Prng } from "@ferry/protocol/sim";
import { RangeSet, type AccountedRange, type Accounting, type DeviceInfo, type EventRun, type StreamAck } from "@ferry/protocol";
import { DeviceSession, FrameStream, type Clock, type CustodySink, type DeviceId, type DeviceSessionOptions } from "../../src/ble/index.js";
import { ScriptedPeripheral, type ScriptedPeripheralOptions } from "./scripted-peripheral.js";

export class ManualClock implements Clock {
  #now = 0;
  #timers: Array<{ at: number; fire: () => void; live: boolean }> = [];

  now(): number {
    return this.#now;
  }

  setTimer(at: number, fire: () => void): () => void {
    const t = { at, fire, live: true };
    this.#timers.push(t);
    return () => void (t.live = false);
  }

  get pending(): number {
    return this.#timers.filter((t) => t.live).length;
  }

  /** Moves time forward by `ms`, firing due timers in time order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.live = false;
      this.#now = Math.max(this.#now, due.at);
      due.fire();
    }
    this.#now = end;
    this.#timers = this.#timers.filter((t) => t.live);
  }
}

/** Lets streams and promises run until nothing moves. */
export async function settle(rounds = 30): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

type Mode = "immediate" | "manual" | "never";

/** A custody sink in memory: custody computed from what was made durable, takes resolved as the test says. */
export class MemorySink implements CustodySink {
  mode: Mode = "immediate";
  readonly takes: Array<{ deviceId: DeviceId; runs: EventRun[]; accountings: Accounting[] }> = [];
  /** Durable events, by "stream/epoch", seq -> payload. */
  readonly events = new Map<string, Map<bigint, Uint8Array>>();
  readonly accounted = new Map<string, AccountedRange[]>();
  #pending: Array<() => void> = [];
  #extra: StreamAck[] = [];

  /** Custody the app holds without the events (forwarded and freed). */
  seed(acks: StreamAck[]): void {
    this.#extra.push(...acks);
  }

  custody(_deviceId: DeviceId): StreamAck[] {
    const keys = new Set([...this.events.keys(), ...this.accounted.keys(), ...this.#extra.map((a) => `${a.stream}/${a.epoch}`)]);
    return [...keys].map((key) => {
      const [stream, epoch] = key.split("/").map(Number) as [number, number];
      const covered = new RangeSet();
      for (const seq of this.events.get(key)?.keys() ?? []) covered.add(seq);
      for (const r of this.accounted.get(key) ?? []) covered.add(r.first, r.last);
      for (const a of this.#extra.filter((x) => x.stream === stream && x.epoch === epoch)) {
        if (a.nextSeq > 0n) covered.add(0n, a.nextSeq - 1n);
        covered.addAll(a.received);
      }
      const nextSeq = covered.nextMissing(0n);
      return { stream, epoch, nextSeq, received: covered.above(nextSeq - 1n), accounted: [] };
    });
  }

  take(deviceId: DeviceId, runs: EventRun[], accountings: Accounting[]): Promise<void> {
    this.takes.push({ deviceId, runs, accountings });
    const commit = () => {
      for (const r of runs) {
        const key = `${r.stream}/${r.epoch}`;
        const m = this.events.get(key) ?? new Map<bigint, Uint8Array>();
        r.payloads.forEach((p, i) => m.set(r.firstSeq + BigInt(i), p));
        this.events.set(key, m);
      }
      for (const a of accountings) this.accounted.set(`${a.stream}/${a.epoch}`, [...(this.accounted.get(`${a.stream}/${a.epoch}`) ?? []), ...a.ranges]);
    };
    if (this.mode === "immediate") {
      commit();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      if (this.mode === "manual") this.#pending.push(() => (commit(), resolve()));
    });
  }

  /** Makes every pending take durable (manual mode). */
  resolveAll(): void {
    const p = this.#pending;
    this.#pending = [];
    for (const f of p) f();
  }

  seqs(stream: number, epoch: number): bigint[] {
    return [...(this.events.get(`${stream}/${epoch}`)?.keys() ?? [])].sort((a, b) => (a < b ? -1 : 1));
  }
}

/** The 10.6 device: id d00d0001, epoch 0x2F6A91C3, streams 1 "alarm" (critical) and 2 "temperature" (bulk), commands. */
export const DEMO_INFO: DeviceInfo = {
  majors: [1],
  minor: 0,
  features: 2,
  deviceId: Uint8Array.of(0xd0, 0x0d, 0x00, 0x01),
  epoch: 0x2f6a91c3,
  bufferCapacity: 4096,
  streams: [
    { stream: 1, priority: "critical", ttlMs: 0, name: "alarm" },
    { stream: 2, priority: "bulk", ttlMs: 0, name: "temperature" },
  ],
  maxMessage: 0,
  publicKey: new Uint8Array(0),
};

export interface Rig {
  clock: ManualClock;
  sink: MemorySink;
  device: ScriptedPeripheral;
  transport: FrameStream;
  /** A new session on the shared transport (one per connection). */
  session(options?: Partial<DeviceSessionOptions>): DeviceSession;
  /** The peripheral closes the byte stream. */
  hangUp(): void;
}

export interface RigOptions extends Partial<Omit<ScriptedPeripheralOptions, "now" | "send">> {
  /** Split every chunk the device writes at random points (seeded). */
  splitSeed?: number;
}

export function rig(options: RigOptions = {}): Rig {
  const clock = new ManualClock();
  const sink = new MemorySink();
  const toDevice = new PassThrough();
  const toApp = new PassThrough();
  const prng = options.splitSeed === undefined ? undefined : new Prng(options.splitSeed);
  const send = (bytes: Uint8Array) => {
    if (!prng) return void toApp.write(bytes);
    for (let at = 0; at < bytes.length; ) {
      const n = prng.int(1, Math.min(8, bytes.length - at));
      toApp.write(bytes.slice(at, at + n));
      at += n;
    }
  };
  const device = new ScriptedPeripheral({ info: DEMO_INFO, ...options, now: () => clock.now(), send });
  toDevice.on("data", (chunk: Uint8Array) => device.receive(chunk));
  const transport = new FrameStream(toApp, toDevice, () => toDevice.end());
  return {
    clock,
    sink,
    device,
    transport,
    session: (o = {}) => new DeviceSession({ transport, sink, clock, ...o }),
    hangUp: () => toApp.end(),
  };
}
