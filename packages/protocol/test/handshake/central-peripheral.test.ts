import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors.js";
import type { DeviceInfo, Message, StreamAck, Welcome } from "../../src/message.js";
import {
  CentralHandshake,
  DEFAULT_WINDOW,
  PeripheralHandshake,
  covers,
  type CentralConfig,
  type CentralStart,
  type PeripheralConfig,
} from "../../src/handshake/index.js";
import { deviceInfo, events } from "./fixtures.js";

const APP: CentralConfig = { majors: [1], minor: 0, features: 0b1111, window: { events: 64, bytes: 16384 }, maxMessage: 4096, wakeBudgetMs: 3000 };
const DEVICE_WINDOW = { events: 4, bytes: 512 };

function device(info: DeviceInfo, produced: Record<number, bigint>, overrides: Partial<PeripheralConfig> = {}): PeripheralHandshake {
  return new PeripheralHandshake({ info, window: DEVICE_WINDOW, nextSeq: (s) => produced[s] ?? 0n, ...overrides }, 0);
}

function helloOf(start: CentralStart): Message {
  if (start.kind !== "hello") throw new Error(`central refused: ${start.error.message}`);
  return start.send[0]!;
}

const ack = (stream: number, epoch: number, nextSeq: bigint, more: Partial<StreamAck> = {}): StreamAck => ({
  stream,
  epoch,
  nextSeq,
  received: [],
  accounted: [],
  ...more,
});

describe("app <-> device handshake over GATT", () => {
  it("[DHS-1] [DHS-4] one control-point exchange: Hello with custody, Welcome by indication, then replay", () => {
    const info = deviceInfo();
    const central = new CentralHandshake(APP);
    const stored = [ack(1, 9, 10n)];
    const start = central.start(info, stored, 0);
    const hello = helloOf(start);
    expect(hello.type === "hello" && hello.hello).toMatchObject({
      majors: [1],
      role: "app",
      deviceId: new Uint8Array(0),
      credential: new Uint8Array(0),
      custody: stored,
      window: APP.window,
    });
    expect(central.state).toBe("hello-sent");
    expect(central.maySend("ack")).toBe(false);

    const peripheral = device(info, { 1: 25n, 2: 3n });
    const step = peripheral.handleMessage(hello);
    expect(step.kind).toBe("established");
    if (step.kind !== "established") return;
    expect(step.outcome.replay).toEqual([ack(1, 9, 10n), ack(2, 9, 0n)]);
    expect(step.outcome).toMatchObject({ major: 1, features: APP.features & info.features, window: APP.window, wakeBudgetMs: 3000 });
    expect(peripheral.maySend("events")).toBe(true);

    const done = central.handleMessage(step.send[0]!);
    expect(done.kind).toBe("established");
    expect(central.outcome).toMatchObject({
      major: 1,
      features: APP.features & info.features,
      window: DEVICE_WINDOW,
      maxMessage: info.maxMessage,
      epoch: 9,
      custody: [ack(1, 9, 10n), ack(2, 9, 0n)],
      finished: [],
    });
    // Replayed events go to the session layer.
    expect(central.handleMessage(events(1, 0, 10n)).kind).toBe("session");
  });

  it("[DHS-3] the device replays exactly the sequences the app's custody does not cover", () => {
    const arbAck = fc
      .tuple(fc.bigInt({ min: 0n, max: 20n }), fc.array(fc.tuple(fc.bigInt({ min: 1n, max: 3n }), fc.bigInt({ min: 0n, max: 3n })), { maxLength: 3 }))
      .map(([nextSeq, gaps]) => {
        // Build selective ranges above next_seq: gap, then a run.
        const received = [];
        let at = nextSeq;
        for (const [gap, len] of gaps) {
          const first = at + gap;
          received.push({ first, last: first + len });
          at = first + len + 2n;
        }
        return ack(1, 9, nextSeq, { received });
      });
    fc.assert(
      fc.property(arbAck, fc.bigInt({ min: 0n, max: 40n }), (held, extra) => {
        const top = held.received.at(-1)?.last ?? held.nextSeq - 1n;
        const produced = top + 1n + extra;
        const start = new CentralHandshake(APP).start(deviceInfo(), [held], 0);
        const step = device(deviceInfo(), { 1: produced }).handleMessage(helloOf(start));
        if (step.kind !== "established") throw new Error(step.kind);
        const from = step.outcome.replay.find((a) => a.stream === 1)!;
        for (let seq = 0n; seq < produced; seq++) {
          const inRange = seq < held.nextSeq || held.received.some((r) => r.first <= seq && seq <= r.last);
          expect(covers(from, seq)).toBe(inRange);
        }
      }),
    );
  });

  it("[DHS-3] custody past what the device produced in the same epoch is SEQUENCE_REGRESSION, fatal", () => {
    const info = deviceInfo();
    for (const held of [ack(1, 9, 30n), ack(1, 9, 5n, { received: [{ first: 20n, last: 26n }] }), ack(1, 0, 26n)]) {
      const central = new CentralHandshake(APP);
      const hello = helloOf(central.start(info, [held], 0));
      // Epoch 0 on the BLE leg is the current epoch [ENV-4]: send it as such.
      const sent = hello.type === "hello" && held.epoch === 0 ? { ...hello, hello: { ...hello.hello, custody: [held] } } : hello;
      const peripheral = device(info, { 1: 25n });
      const step = peripheral.handleMessage(sent);
      expect(step.kind).toBe("failed");
      if (step.kind !== "failed") return;
      expect(step.error.errorName).toBe("SEQUENCE_REGRESSION");
      expect(step.error.fault).toBe("local");
      expect(step.send).toEqual([{ type: "error", error: expect.objectContaining({ code: ErrorCode.SEQUENCE_REGRESSION, stream: { stream: 1, epoch: 9, seq: 25n } }) }]);
      expect(peripheral.state).toBe("failed");
      if (held.epoch === 0) continue;
      const seen = central.handleMessage(step.send[0]!);
      expect(seen.kind === "failed" && seen.origin === "received" && seen.error.errorName).toBe("SEQUENCE_REGRESSION");
    }
    // Custody up to exactly what was produced is fine.
    expect(device(info, { 1: 25n }).handleMessage(helloOf(new CentralHandshake(APP).start(info, [ack(1, 9, 25n)], 0))).kind).toBe("established");
  });

  it("[DHS-3] [ID-2] a new epoch: the old epoch's custody is finished and the new one replays from 0", () => {
    const stored = [ack(1, 7, 5000n), ack(2, 7, 12n), ack(2, 9, 1n)];
    const info = deviceInfo({ epoch: 9 });
    const central = new CentralHandshake(APP);
    const start = central.start(info, stored, 0);
    expect(start.kind === "hello" && start.plan).toEqual({
      epoch: 9,
      custody: [ack(2, 9, 1n), ack(1, 9, 0n)],
      finished: [ack(1, 7, 5000n), ack(2, 7, 12n)],
    });
    const hello = helloOf(start);
    expect(hello.type === "hello" && hello.hello.custody).toEqual([ack(2, 9, 1n)]);
    // The old epoch's large next_seq is not a regression in the new epoch.
    const step = device(info, { 1: 3n, 2: 4n }).handleMessage(hello);
    expect(step.kind === "established" && step.outcome.replay).toEqual([ack(1, 9, 0n), ack(2, 9, 1n)]);
    // A device that sees an old epoch's custody ignores it.
    const stale = hello.type === "hello" ? { ...hello, hello: { ...hello.hello, custody: [ack(1, 7, 5000n)] } } : hello;
    expect(device(info, { 1: 3n }).handleMessage(stale).kind).toBe("established");
  });

  it("[VER-2] no common major: the app writes nothing; a device answering such a Hello sends VERSION_UNSUPPORTED", () => {
    const central = new CentralHandshake(APP);
    const refused = central.start(deviceInfo({ majors: [2] }), [], 0);
    expect(refused.kind === "failed" && [refused.error.errorName, refused.send]).toEqual(["VERSION_UNSUPPORTED", []]);
    expect(central.state).toBe("failed");

    const hello = helloOf(new CentralHandshake({ ...APP, majors: [3, 2] }).start(deviceInfo({ majors: [2, 1] }), [], 0));
    expect(device(deviceInfo(), {}).handleMessage(hello).kind).toBe("failed");
    const step = device(deviceInfo({ majors: [1] }), {}).handleMessage(hello);
    expect(step.kind === "failed" && step.error.errorName).toBe("VERSION_UNSUPPORTED");
  });

  it("[DHS-1] a Hello with no majors, a non-app role or a repeated stream is INVALID_FIELD; Info with epoch 0 is refused", () => {
    const hello = helloOf(new CentralHandshake(APP).start(deviceInfo(), [ack(1, 9, 1n)], 0));
    if (hello.type !== "hello") return;
    const broken = [{ majors: [] }, { role: "device" as const }, { custody: [ack(1, 9, 1n), ack(1, 0, 1n)] }];
    for (const patch of broken) {
      const step = device(deviceInfo(), { 1: 5n }).handleMessage({ type: "hello", hello: { ...hello.hello, ...patch } });
      expect(step.kind === "failed" && step.error.errorName).toBe("INVALID_FIELD");
    }
    const zero = new CentralHandshake(APP).start(deviceInfo({ epoch: 0 }), [], 0);
    expect(zero.kind === "failed" && zero.error.errorName).toBe("INVALID_FIELD");
  });

  it("[DHS-4] [VER-7] the app refuses a Welcome with a major or features it did not offer", () => {
    const info = deviceInfo();
    const good = (() => {
      const step = device(info, {}).handleMessage(helloOf(new CentralHandshake(APP).start(info, [], 0)));
      if (step.kind !== "established" || step.send[0]?.type !== "welcome") throw new Error("no welcome");
      return step.send[0].welcome;
    })();
    for (const patch of [{ major: 2 }, { features: 0b10000 }, { features: APP.features }] as Partial<Welcome>[]) {
      const central = new CentralHandshake(APP);
      central.start(info, [], 0);
      const step = central.handleMessage({ type: "welcome", welcome: { ...good, ...patch } });
      expect(step.kind === "failed" && step.error.errorName).toBe("INVALID_FIELD");
    }
    const central = new CentralHandshake(APP);
    central.start(info, [], 0);
    central.handleMessage({ type: "welcome", welcome: { ...good, window: undefined } });
    expect(central.outcome?.window).toEqual(DEFAULT_WINDOW.deviceGrantsApp);
  });

  it("[DHS-1] the device takes nothing but a Hello first, and never a Welcome", () => {
    const first = device(deviceInfo(), {});
    const step = first.handleMessage({ type: "ack", ack: { streams: [], scope: "hop", commandsPending: 0 } });
    expect(step.kind === "failed" && step.error.errorName).toBe("UNEXPECTED_MESSAGE");
    const hello = helloOf(new CentralHandshake(APP).start(deviceInfo(), [], 0));
    const established = device(deviceInfo(), {});
    const welcome = established.handleMessage(hello);
    const bounced = established.handleMessage(welcome.kind === "established" ? welcome.send[0]! : hello);
    expect(bounced.kind === "failed" && bounced.error.errorName).toBe("UNEXPECTED_MESSAGE");
    const central = new CentralHandshake(APP);
    central.start(deviceInfo(), [], 0);
    const early = central.handleMessage(events(1, 0, 0n));
    expect(early.kind === "failed" && early.error.errorName).toBe("UNEXPECTED_MESSAGE");
  });

  it("[LIFE-6] [DHS-9] a Hello on an established connection starts a new session with a fresh replay plan", () => {
    const info = deviceInfo();
    const produced: Record<number, bigint> = { 1: 10n };
    const peripheral = device(info, produced);
    const first = peripheral.handleMessage(helloOf(new CentralHandshake(APP).start(info, [], 0)));
    expect(first.kind === "established" && first.outcome.restarted).toBe(false);
    expect(peripheral.handleMessage(events(1, 0, 0n)).kind).toBe("session");
    // The app was terminated and relaunched; it rebuilt its custody from disk.
    const second = peripheral.handleMessage(helloOf(new CentralHandshake(APP).start(info, [ack(1, 9, 6n)], 0)));
    expect(second.kind === "established" && [second.outcome.restarted, second.outcome.replay[0], second.send[0]?.type]).toEqual([
      true,
      ack(1, 9, 6n),
      "welcome",
    ]);
    // A refused new Hello ends the connection as a first one would.
    const third = peripheral.handleMessage(helloOf(new CentralHandshake(APP).start(info, [ack(1, 9, 11n)], 0)));
    expect(third.kind === "failed" && third.error.errorName).toBe("SEQUENCE_REGRESSION");
  });

  it("[DHS-10] handshake timeouts: the app waits 5 s for the Welcome, the device 30 s for the Hello", () => {
    expect(new PeripheralHandshake({ info: deviceInfo(), window: DEVICE_WINDOW, nextSeq: () => 0n }, 50).pollTimeout()).toBe(30_050);
    const central = new CentralHandshake(APP);
    central.start(deviceInfo(), [], 100);
    expect(central.pollTimeout()).toBe(5100);
    expect(central.handleTimeout(5099)).toBeUndefined();
    expect(central.handleTimeout(5100)?.origin).toBe("timeout");
    const peripheral = new PeripheralHandshake({ info: deviceInfo(), window: DEVICE_WINDOW, nextSeq: () => 0n, timeoutMs: 1000 }, 0);
    expect(peripheral.pollTimeout()).toBe(1000);
    expect(peripheral.handleTimeout(1000)?.error.errorName).toBe("UNAVAILABLE");
    expect(peripheral.handleMessage(helloOf(new CentralHandshake(APP).start(deviceInfo(), [], 0))).kind).toBe("ignored");
  });
});
