/**
 * The device session against the scripted peripheral: custody before
 * acknowledgement, critical notification, end-to-end relay, the window,
 * replay after reconnection, and cutting off at any instant.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Ack, Message, StreamAck } from "@ferry/protocol";
import type { CriticalEvent, DeviceSession } from "../../src/ble/index.js";
import { DEMO_INFO, rig, settle, type Rig } from "./harness.js";

const E = DEMO_INFO.epoch;
const text = (s: string) => new TextEncoder().encode(s);
const acks = (r: Rig, scope?: Ack["scope"]): Ack[] =>
  r.device.messages.flatMap(({ message: m }) => (m.type === "ack" && (scope === undefined || m.ack.scope === scope) ? [m.ack] : []));
const stream = (a: Ack | undefined, n: number): StreamAck | undefined => a?.streams.find((s) => s.stream === n);
const lastAck = (r: Rig) => acks(r, "hop").at(-1);

let sessions: DeviceSession[] = [];
afterEach(() => {
  for (const s of sessions) s.close();
  sessions = [];
});

function track(s: DeviceSession): DeviceSession {
  sessions.push(s);
  return s;
}

async function opened(r: Rig, options: Parameters<Rig["session"]>[0] = {}): Promise<{ s: DeviceSession; critical: CriticalEvent[] }> {
  const critical: CriticalEvent[] = [];
  const s = track(r.session({ ...options, on: { critical: (e) => critical.push(e), ...options.on } }));
  s.start();
  await settle();
  expect(s.state).toBe("open");
  return { s, critical };
}

describe("custody before acknowledgement", () => {
  it("[ACK-2] [LIFE-4] [ACK-15] acknowledges SCOPE_HOP only after take resolved, then the device frees", async () => {
    const r = rig();
    r.sink.mode = "manual";
    await opened(r);
    r.device.produce(2, text("t1"));
    r.device.produce(2, text("t2"));
    await settle();
    expect(r.sink.takes.length).toBeGreaterThan(0);
    expect(acks(r)).toEqual([]);
    expect(r.device.outbox.sender(2).size).toBe(2);

    r.sink.resolveAll();
    await settle();
    r.sink.resolveAll(); // a second batch may have formed behind the first
    await settle();
    expect(stream(lastAck(r), 2)).toMatchObject({ epoch: 0, nextSeq: 2n });
    expect(r.device.outbox.sender(2).size).toBe(0);
  });

  it("[ACK-2] [ACK-1] a take that never resolves is never acknowledged, however long", async () => {
    const r = rig();
    r.sink.mode = "never";
    const { critical } = await opened(r);
    r.device.produce(1, text("fire"));
    r.device.produce(2, text("t"));
    await settle();
    for (let i = 0; i < 12; i++) {
      r.clock.advance(10_000);
      await settle(5);
    }
    expect(acks(r)).toEqual([]);
    expect(critical).toEqual([]);
    expect(r.device.outbox.size).toBe(2);
  });

  it("[LIFE-8] [ACK-14] [DHS-5] notifies a critical event once durable; the device keeps it after the hop Ack", async () => {
    const r = rig();
    r.sink.mode = "manual";
    const { critical } = await opened(r);
    r.device.produce(1, text("smoke"));
    await settle();
    expect(critical).toEqual([]);
    r.sink.resolveAll();
    await settle();
    expect(critical).toEqual([{ deviceId: "d00d0001", stream: 1, epoch: E, seq: 0n, payload: text("smoke") }]);
    expect(stream(lastAck(r), 1)?.nextSeq).toBe(1n);
    expect(r.device.outbox.sender(1).size).toBe(1);
  });

  it("[ACK-7] a repeated run is acknowledged again, not taken twice", async () => {
    const r = rig();
    await opened(r);
    const run = { stream: 2, firstSeq: 0n, priority: "bulk" as const, ttlMs: 0, epoch: 0, payloads: [text("a"), text("b")], signatures: [] };
    r.device.notify({ type: "events", events: run });
    await settle();
    r.device.notify({ type: "events", events: run });
    await settle();
    expect(r.sink.takes.flatMap((t) => t.runs).map((x) => x.payloads.length)).toEqual([2]);
    expect(acks(r).length).toBe(2);
    expect(stream(lastAck(r), 2)?.nextSeq).toBe(2n);
  });

  it("[PRIO-7] [PRIO-6] hands runs to the sink with the time left, an event already past its deadline as EXPIRED", async () => {
    const r = rig();
    r.sink.mode = "manual";
    await opened(r);
    const run = (firstSeq: bigint, ttlMs: number) => ({ type: "events", events: { stream: 2, firstSeq, priority: "bulk", ttlMs, epoch: 0, payloads: [text("x")], signatures: [] } }) as Message;
    r.device.notify(run(0n, 1000));
    await settle();
    r.device.notify(run(1n, 500)); // waits behind batch 1
    await settle();
    r.clock.advance(600);
    r.sink.resolveAll();
    await settle();
    expect(r.sink.takes[0]!.runs[0]).toMatchObject({ firstSeq: 0n, ttlMs: 1000 });
    expect(r.sink.takes[1]).toMatchObject({ runs: [], accountings: [{ stream: 2, epoch: E, ranges: [{ first: 1n, last: 1n, reason: "expired" }] }] });
  });
});

describe("end-to-end relay", () => {
  it("[ACK-13] [ACK-14] relays the server's custody of critical streams only, unchanged, when it advances", async () => {
    const r = rig();
    const { s } = await opened(r);
    r.device.produce(1, text("fire"));
    r.device.produce(1, text("fire again"));
    await settle();
    expect(r.device.outbox.sender(1).size).toBe(2);
    const server = (nextSeq: bigint): StreamAck[] => [
      { stream: 1, epoch: E, nextSeq, received: [], accounted: [] },
      { stream: 2, epoch: E, nextSeq: 9n, received: [], accounted: [] },
    ];
    s.relayEndToEnd(server(1n));
    await settle();
    expect(acks(r, "end-to-end")).toEqual([{ streams: [server(1n)[0]], scope: "end-to-end", commandsPending: 0 }]);
    expect(r.device.outbox.sender(1).size).toBe(1);
    s.relayEndToEnd(server(1n));
    await settle();
    expect(acks(r, "end-to-end")).toHaveLength(1);
    s.relayEndToEnd(server(2n));
    await settle();
    expect(acks(r, "end-to-end")).toHaveLength(2);
    expect(r.device.outbox.sender(1).size).toBe(0);
  });

  it("[ACK-14] [DHS-4] relays what the app holds after every device handshake", async () => {
    const r = rig();
    const endToEnd = [{ stream: 1, epoch: E, nextSeq: 0n, received: [], accounted: [] }];
    await opened(r, { endToEnd });
    const types = r.device.messages.map((m) => (m.message.type === "ack" ? `ack:${m.message.ack.scope}` : m.message.type));
    expect(types).toEqual(["hello", "ack:end-to-end"]);
  });
});

describe("commands down", () => {
  it("[CMD-10] [CMD-6] [FLOW-9] sends one command at a time, in id order, with the time left; surfaces CommandAcks", async () => {
    const r = rig({ commandOutcome: "none" });
    const got: Array<[bigint[], string, string]> = [];
    const commands = [
      { id: 42n, payload: text("b"), ttlMs: 0 },
      { id: 41n, payload: text("a"), ttlMs: 60_000 },
    ];
    await opened(r, { commands, on: { commandAck: (_d, a) => got.push([a.ids, a.outcome, a.scope]) } });
    const sent = () => r.device.messages.flatMap((m) => (m.on === "downlink" && m.message.type === "command" ? [m.message.command] : []));
    expect(sent().map((c) => c.id)).toEqual([41n]);
    expect(sent()[0]!.ttlMs).toBeLessThanOrEqual(60_000);
    r.device.indicate({ type: "commandAck", commandAck: { ids: [41n], outcome: "executed", scope: "end-to-end" } });
    await settle();
    expect(sent().map((c) => c.id)).toEqual([41n, 42n]);
    r.device.indicate({ type: "commandAck", commandAck: { ids: [42n, 99n], outcome: "received", scope: "end-to-end" } });
    await settle();
    expect(got).toEqual([
      [[41n], "executed", "end-to-end"],
      [[42n], "received", "end-to-end"], // 99 was never sent here [CMD-4]
    ]);
  });

  it("[CMD-10] [CMD-5] [CMD-1] settles REJECTED (hop) what it cannot deliver, EXPIRED what expired", async () => {
    const r = rig({ info: { ...DEMO_INFO, features: 0 } });
    const got: string[] = [];
    const s = track(r.session({ on: { commandAck: (_d, a) => got.push(`${a.ids[0]}:${a.outcome}:${a.scope}`) } }));
    s.sendCommand({ id: 1n, payload: text("x"), ttlMs: 0 });
    s.start();
    await settle();
    expect(got).toEqual(["1:rejected:hop"]);

    const r2 = rig();
    const got2: string[] = [];
    const s2 = track(r2.session({ on: { commandAck: (_d, a) => got2.push(`${a.ids[0]}:${a.outcome}:${a.scope}`) } }));
    s2.sendCommand({ id: 1n, payload: new Uint8Array(5000), ttlMs: 0 }); // above the device's 4096 [ENV-8]
    s2.sendCommand({ id: 2n, payload: text("late"), ttlMs: 10 });
    r2.clock.advance(20);
    s2.start();
    await settle();
    expect(got2).toEqual(["1:rejected:hop", "2:expired:hop"]);
    expect(r2.device.messages.filter((m) => m.on === "downlink")).toEqual([]);
  });

  it("[ACK-18] [ACK-17] resends the command in flight after 5 s and 10 s and on a fragment error, closes at the third expiry", async () => {
    const r = rig({ commandOutcome: "none" });
    const { s } = await opened(r);
    const count = () => r.device.messages.filter((m) => m.on === "downlink").length;
    s.sendCommand({ id: 7n, payload: text("x"), ttlMs: 0 });
    await settle();
    expect(count()).toBe(1);
    r.device.indicate({ type: "error", error: { code: 50, detail: "lost" } });
    await settle();
    expect(count()).toBe(2);
    r.clock.advance(5_000);
    await settle();
    expect(count()).toBe(3);
    r.clock.advance(10_000);
    await settle();
    expect(count()).toBe(4);
    r.clock.advance(20_000);
    await settle();
    expect(await s.closed).toMatchObject({ aborted: false, initiator: "local", reason: 0x16 });
  });
});

describe("errors and the window", () => {
  it("[GATT-8] [ERR-1] [ERR-4] an EventRun on control gets UNEXPECTED_MESSAGE, then the app disconnects", async () => {
    const r = rig();
    const { s } = await opened(r);
    r.device.indicate({ type: "events", events: { stream: 2, firstSeq: 0n, priority: "bulk", ttlMs: 0, epoch: 0, payloads: [text("x")], signatures: [] } });
    await settle();
    const errors = r.device.messages.flatMap((m) => (m.message.type === "error" ? [m.message.error.code] : []));
    expect(errors).toEqual([4]);
    expect(await s.closed).toMatchObject({ reason: 0x16, initiator: "local", error: { errorName: "UNEXPECTED_MESSAGE" } });
    expect(r.sink.takes).toEqual([]);
  });

  it("[PRIO-2] [ENV-12] refuses a run whose class is not its stream's, or of an undeclared stream", async () => {
    for (const [streamId, priority] of [[2, "critical"], [9, "bulk"]] as const) {
      const r = rig();
      const { s } = await opened(r);
      r.device.notify({ type: "events", events: { stream: streamId, firstSeq: 0n, priority, ttlMs: 0, epoch: 0, payloads: [text("x")], signatures: [] } });
      await settle();
      expect(r.device.messages.flatMap((m) => (m.message.type === "error" ? [m.message.error.code] : []))).toEqual([5]);
      expect((await s.closed).error?.errorName).toBe("INVALID_FIELD");
    }
  });

  it("[ERR-4] [ERR-8] an Error from the device with action close ends the session, unanswered", async () => {
    const r = rig();
    const seen: string[] = [];
    const { s } = await opened(r, { on: { error: (e, from) => seen.push(`${from}:${e.errorName}`) } });
    r.device.indicate({ type: "error", error: { code: 71, detail: "going away" } });
    await settle();
    expect(seen).toEqual(["device:UNAVAILABLE"]);
    expect(await s.closed).toMatchObject({ reason: 0x16, error: { errorName: "UNAVAILABLE" } });
    expect(r.device.messages.filter((m) => m.message.type === "error")).toEqual([]);
  });

  it("[ERR-4] [ERR-8] an Error before the Welcome ends the session, even one whose action is resync", async () => {
    const r = rig();
    r.device.ignoreControl = true;
    const seen: string[] = [];
    const s = track(r.session({ on: { error: (e, from) => seen.push(`${from}:${e.errorName}`) } }));
    s.start();
    await settle();
    r.device.indicate({ type: "error", error: { code: 53, detail: "truncated" } });
    await settle();
    expect(seen).toEqual(["device:FRAGMENT_TRUNCATED"]);
    expect(await s.closed).toMatchObject({ reason: 0x16, initiator: "local", error: { errorName: "FRAGMENT_TRUNCATED" } });
    expect(r.device.messages.map((m) => m.message.type)).toEqual(["hello"]);
  });

  it("[DHS-3] a custody the app cannot read stops the session before any Hello", async () => {
    const r = rig();
    r.sink.custody = () => {
      throw new Error("disk unreadable before first unlock");
    };
    const seen: string[] = [];
    const s = track(r.session({ on: { error: (e, from) => seen.push(`${from}:${e.errorName}`) } }));
    s.start();
    await settle();
    expect(seen).toEqual(["app:INTERNAL"]);
    expect((await s.closed).reason).toBe(0x16);
    expect(r.device.messages).toEqual([]);
  });

  it("[FRAG-8] [FRAG-10] [ACK-17] reports a lost fragment and goes on; its Ack shows the gap, so the device resends", async () => {
    const r = rig({ mtu: 23 });
    const { s } = await opened(r);
    r.device.loseNext = 1;
    r.device.produce(2, new Uint8Array(40)); // three fragments at MTU 23; the first never arrives
    await settle();
    r.device.produce(2, text("b"));
    await settle();
    expect(r.device.messages.flatMap((m) => (m.message.type === "error" ? [m.message.error.code] : []))).toEqual([50]);
    expect(s.state).toBe("open");
    const hop = acks(r, "hop").map((a) => stream(a, 2));
    expect(hop[0]).toMatchObject({ nextSeq: 0n, received: [{ first: 1n, last: 1n }] });
    expect(hop.at(-1)).toMatchObject({ nextSeq: 2n, received: [] });
    expect(r.sink.seqs(2, E)).toEqual([0n, 1n]);
  });

  it("[FLOW-2] [FLOW-3] [FLOW-5] [FLOW-6] grants the window in the Hello and changes it with the next Ack", async () => {
    const r = rig();
    const { s } = await opened(r, { config: { window: { events: 2, bytes: 1000 } } });
    const hello = r.device.messages[0]!.message;
    expect(hello.type === "hello" && hello.hello.window).toEqual({ events: 2, bytes: 1000 });
    s.grant({ events: 0, bytes: 0 });
    await settle();
    expect(acks(r).at(-1)?.window).toEqual({ events: 0, bytes: 0 });
    r.device.produce(2, text("held back"));
    await settle();
    expect(r.sink.takes).toEqual([]);
    s.grant({ events: 8, bytes: 4096 });
    await settle();
    r.device.produce(2, text("go"));
    await settle();
    expect(r.sink.seqs(2, E)).toEqual([0n, 1n]);
  });

  it("[LIFE-14] raises a wake hint once per (stream, seq), before or after the Hello", async () => {
    const r = rig();
    const hints: bigint[] = [];
    await opened(r, { on: { wakeHint: (_d, h) => hints.push(h.seq) } });
    const hint: Message = { type: "wakeHint", wakeHint: { stream: 1, seq: 3n, summary: text("smoke") } };
    r.device.indicate(hint);
    r.device.indicate(hint);
    await settle();
    expect(hints).toEqual([3n]);
  });

  it("[DHS-10] disconnects when no Welcome comes 5 s after the Hello's Write Response", async () => {
    const r = rig();
    r.device.ignoreControl = true;
    const s = track(r.session());
    s.start();
    await settle();
    expect(s.state).toBe("hello-sent");
    r.clock.advance(4_999);
    await settle();
    expect(s.state).toBe("hello-sent");
    r.clock.advance(1);
    await settle();
    expect(await s.closed).toMatchObject({ reason: 0x16, initiator: "local" });
  });
});

describe("disconnection, reconnection, cut-off", () => {
  it("[GATT-12] [VGL-4] [FRAG-9] a disconnection mid-SDU drops it; the next session gets the event whole", async () => {
    const r = rig({ mtu: 23 });
    const { s } = await opened(r);
    r.device.cutAfterFragments = r.device.notified.length + 2;
    const payload = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    r.device.produce(2, payload);
    await settle();
    r.device.disconnect(0x08);
    const end = await s.closed;
    expect(end).toMatchObject({ aborted: false, reason: 0x08, initiator: "remote" });
    expect(end.truncated.map((e) => e.errorName)).toEqual(["FRAGMENT_TRUNCATED"]);
    expect(r.sink.takes).toEqual([]);

    r.device.cutAfterFragments = undefined;
    await opened(r);
    await settle();
    expect(r.sink.events.get(`2/${E}`)?.get(0n)).toEqual(payload);
  });

  it("[DHS-3] [DHS-5] [ACK-16] [DHS-9] [LIFE-6] after a cut-off, the next session's custody gets only what it does not cover", async () => {
    const r = rig();
    const first = await opened(r);
    r.device.produce(1, text("alarm 0"));
    for (let i = 0; i < 5; i++) r.device.produce(2, text(`t${i}`));
    await settle();
    expect(r.sink.seqs(2, E)).toEqual([0n, 1n, 2n, 3n, 4n]);
    r.sink.mode = "never";
    for (let i = 5; i < 8; i++) r.device.produce(2, text(`t${i}`));
    await settle();
    first.s.close(); // the wake budget ends here: the takes of 5..7 never complete
    expect(r.device.connected).toBe(true);

    r.sink.mode = "immediate";
    const before = r.sink.takes.length;
    await opened(r, { resetLink: true });
    const hellos = r.device.messages.flatMap((m) => (m.message.type === "hello" ? [m.message.hello] : []));
    expect(hellos[1]!.custody.map((a) => [a.stream, a.nextSeq])).toEqual([
      [1, 1n],
      [2, 5n],
    ]);
    // The device still holds alarm 0 (no end-to-end Ack yet) but does not replay it: the custody covers it.
    expect(r.device.outbox.sender(1).size).toBe(1);
    const replayed = r.sink.takes.slice(before).flatMap((t) => t.runs.flatMap((x) => x.payloads.map((_, i) => `${x.stream}:${x.firstSeq + BigInt(i)}`)));
    expect(replayed).toEqual(["2:5", "2:6", "2:7"]);
  });

  it("[LIFE-8] [DHS-3] settled() waits for takes cut off by close() and gives their critical events; the next Hello covers them: nothing replayed", async () => {
    const r = rig();
    r.sink.mode = "manual";
    const first = await opened(r);
    r.device.produce(1, text("fire"));
    await settle();
    first.s.close();
    let settled = false;
    const waiting = first.s.settled().then((unannounced) => ((settled = true), unannounced));
    await settle();
    expect(settled).toBe(false);
    r.sink.resolveAll();
    expect(await waiting).toEqual([{ deviceId: "d00d0001", stream: 1, epoch: E, seq: 0n, payload: text("fire") }]);
    r.sink.mode = "immediate";
    const second = await opened(r, { resetLink: true });
    await settle();
    const hellos = r.device.messages.flatMap((m) => (m.message.type === "hello" ? [m.message.hello] : []));
    expect(hellos[1]!.custody.find((a) => a.stream === 1)?.nextSeq).toBe(1n);
    expect(r.sink.takes).toHaveLength(1);
    expect([...first.critical, ...second.critical]).toEqual([]);
  });

  it("[LIFE-9] close() writes nothing more and calls nothing back, even when a take resolves later", async () => {
    const r = rig();
    r.sink.mode = "manual";
    const { s, critical } = await opened(r);
    r.device.produce(1, text("fire"));
    await settle();
    s.close();
    const written = r.device.fromCentral.length;
    r.sink.resolveAll();
    r.clock.advance(60_000);
    await settle();
    expect(r.device.fromCentral.length).toBe(written);
    expect(critical).toEqual([]);
    expect(await s.closed).toEqual({ aborted: true, truncated: [] });
    expect(r.clock.pending).toBe(0);
  });

  it("[VGL-4] the byte stream closing ends the session as a disconnection (0x08)", async () => {
    const r = rig();
    const { s } = await opened(r);
    r.hangUp();
    expect(await s.closed).toMatchObject({ aborted: false, reason: 0x08, initiator: "remote" });
    // A session started on a stream already closed ends at once.
    expect(await track(r.session()).start().closed).toMatchObject({ aborted: false, reason: 0x08 });
  });
});
