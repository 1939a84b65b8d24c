import { decodeMessage, encodeMessage, type Message, type StreamAck, type Welcome } from "@ferry/protocol";
import { describe, expect, it } from "vitest";
import { MemoryOutbox } from "../../src/server-leg/memory-outbox.js";
import { LegSession, RETRANSMIT_TIMEOUT, type LegConfig } from "../../src/server-leg/session.js";
import { CREDENTIAL, DEVICE, EPOCH } from "./fake-server.js";

const T0 = 1_000;
const CONFIG: LegConfig = { deviceId: DEVICE, credential: CREDENTIAL };
const K1 = { stream: 1, epoch: EPOCH };
const K3 = { stream: 3, epoch: EPOCH };
const sa = (key: { stream: number; epoch: number }, nextSeq: bigint, extra: Partial<StreamAck> = {}): StreamAck => ({ ...key, nextSeq, received: [], accounted: [], ...extra });

function welcome(custody: StreamAck[], extra: Partial<Welcome> = {}): Message {
  return {
    type: "welcome",
    welcome: {
      major: 1,
      minor: 0,
      features: 10,
      sessionId: new Uint8Array(16).fill(0xb0),
      resumeToken: new Uint8Array(40).fill(7),
      resumeTtlS: 86400,
      resumed: false,
      resumeRefused: 0,
      custody,
      window: { events: 1024, bytes: 1 << 20 },
      maxMessage: 0,
      ...extra,
    },
  };
}
const ack = (...streams: StreamAck[]): Message => ({ type: "ack", ack: { streams, scope: "hop", commandsPending: 0 } });
const seqsOf = (ms: Message[]) =>
  ms.flatMap((m) => (m.type === "events" ? m.events.payloads.map((_, i) => `${m.events.stream}:${m.events.firstSeq + BigInt(i)}`) : []));

function outboxWith(n: number, key = K1, priority: "bulk" | "critical" = "bulk", size = 8): MemoryOutbox {
  const o = new MemoryOutbox();
  for (let i = 0; i < n; i++) o.add(key, priority, BigInt(i), new Uint8Array(size).fill(i & 0xff));
  return o;
}

describe("server-leg session (sans-IO)", () => {
  it("[HS-1] [HS-10] sends the Hello, then the first flight at once, critical first, within the default window", () => {
    const o = outboxWith(1500);
    o.add(K3, "critical", 0n, new Uint8Array([1]));
    const s = new LegSession(o, CONFIG);
    const out = s.start(T0);
    expect(out[0]?.type).toBe("hello");
    const hello = out[0]!.type === "hello" ? out[0]!.hello : undefined;
    expect(hello?.pending).toEqual([K1, K3]);
    expect(seqsOf(out.slice(1))[0]).toBe("3:0");
    // The server's default grant: 1,024 events [FLOW-2].
    expect(seqsOf(out.slice(1))).toHaveLength(1024);
    expect(s.pollTransmit(T0)).toEqual([]);
  });

  it("[HS-4] [ACK-16] the Welcome's custody frees what the server holds, and the rest follows within its grant", () => {
    const o = outboxWith(20);
    const s = new LegSession(o, { ...CONFIG, firstFlightWindow: { events: 5, bytes: 1 << 20 } });
    expect(seqsOf(s.start(T0))).toEqual(["1:0", "1:1", "1:2", "1:3", "1:4"]);
    const step = s.handleMessage(welcome([sa(K1, 3n)], { window: { events: 4, bytes: 1 << 20 } }), T0 + 1);
    expect(step.established?.resumed).toBe(false);
    expect(o.held(K1)[0]).toBe(3n);
    // 3 and 4 are still in flight (first flight, not covered): 2 more fit the grant of 4, and 0..4 are not resent.
    expect(seqsOf(s.pollTransmit(T0 + 1))).toEqual(["1:5", "1:6"]);
    s.handleMessage(ack(sa(K1, 7n)), T0 + 2);
    expect(seqsOf(s.pollTransmit(T0 + 2))).toEqual(["1:7", "1:8", "1:9", "1:10"]);
    expect(s.inFlight.events).toBe(4);
  });

  it("[HS-14] a refused resume goes on as a fresh session, keeping everything and resending what custody does not cover", () => {
    const o = outboxWith(6);
    const s = new LegSession(o, { ...CONFIG, resumeToken: new Uint8Array(10).fill(1), firstFlightWindow: { events: 2, bytes: 1 << 20 } });
    expect(seqsOf(s.start(T0))).toEqual(["1:0", "1:1"]);
    const step = s.handleMessage(welcome([sa(K1, 0n)], { resumeRefused: 23 }), T0);
    expect(step.established).toMatchObject({ resumed: false, resumeRefused: 23 });
    expect(seqsOf(s.pollTransmit(T0))).toEqual(["1:2", "1:3", "1:4", "1:5"]);
    s.handleMessage(ack(sa(K1, 6n)), T0);
    expect(o.isEmpty).toBe(true);
  });

  it("[ACK-17] resends, within the connection, what an ack shows lost", () => {
    const o = outboxWith(4);
    const s = new LegSession(o, { ...CONFIG, firstFlightWindow: { events: 2, bytes: 1 << 20 } });
    s.start(T0);
    s.handleMessage(welcome([sa(K1, 0n)], { window: { events: 2, bytes: 1 << 20 } }), T0);
    s.handleMessage(ack(sa(K1, 0n, { received: [{ first: 1n, last: 1n }] })), T0);
    // 0 was refused (say WINDOW_EXCEEDED): it goes again, first, with the next in line.
    expect(seqsOf(s.pollTransmit(T0))).toEqual(["1:0", "1:2"]);
  });

  it("[ACK-18] resends everything in flight when the timer expires, doubling it, and ends the connection at the third expiry", () => {
    const o = outboxWith(3);
    const s = new LegSession(o, CONFIG);
    s.start(T0);
    s.handleMessage(welcome([sa(K1, 0n)]), T0);
    expect(s.pollTimeout()).toBe(T0 + RETRANSMIT_TIMEOUT.initialMs);
    let t = T0 + RETRANSMIT_TIMEOUT.initialMs;
    expect(s.handleTimeout(t).failed).toBeUndefined();
    expect(seqsOf(s.pollTransmit(t))).toEqual(["1:0", "1:1", "1:2"]);
    expect(s.pollTimeout()).toBe(t + 2 * RETRANSMIT_TIMEOUT.initialMs);
    t += 2 * RETRANSMIT_TIMEOUT.initialMs;
    s.handleTimeout(t);
    s.pollTransmit(t);
    t = s.pollTimeout()!;
    const end = s.handleTimeout(t);
    expect(end.failed?.error.errorName).toBe("UNAVAILABLE");
    expect(o.size).toBe(3);
  });

  it("[ACK-18] an ack that covers something new restarts the timer", () => {
    const s = new LegSession(outboxWith(3), CONFIG);
    s.start(T0);
    s.handleMessage(welcome([sa(K1, 0n)]), T0);
    s.handleMessage(ack(sa(K1, 1n)), T0 + 5000);
    expect(s.pollTimeout()).toBe(T0 + 5000 + RETRANSMIT_TIMEOUT.initialMs);
    s.handleMessage(ack(sa(K1, 3n)), T0 + 6000);
    expect(s.pollTimeout()).toBeUndefined();
  });

  it("[HS-15] no Welcome within 10 s: the connection ends, nothing freed", () => {
    const o = outboxWith(2);
    const s = new LegSession(o, CONFIG);
    s.start(T0);
    expect(s.pollTimeout()).toBe(T0 + 10_000);
    expect(s.handleTimeout(T0 + 9_999).failed).toBeUndefined();
    expect(s.handleTimeout(T0 + 10_000).failed).toMatchObject({ origin: "timeout" });
    expect(o.size).toBe(2);
  });

  it("[CMD-7] hands commands on and answers them; [CMD-1] refuses them without FEATURE_COMMANDS", () => {
    const s = new LegSession(new MemoryOutbox(), CONFIG);
    s.start(T0);
    s.handleMessage(welcome([]), T0);
    const step = s.handleMessage({ type: "command", command: { id: 41n, payload: new Uint8Array([1]), ttlMs: 0 } }, T0);
    expect(step.commands.map((c) => c.id)).toEqual([41n]);
    expect(s.commandAck({ ids: [41n], outcome: "received", scope: "hop" })).toEqual({ type: "commandAck", commandAck: { ids: [41n], outcome: "received", scope: "hop" } });

    const bare = new LegSession(new MemoryOutbox(), CONFIG);
    bare.start(T0);
    bare.handleMessage(welcome([], { features: 8 }), T0);
    const refused = bare.handleMessage({ type: "command", command: { id: 1n, payload: new Uint8Array([1]), ttlMs: 0 } }, T0);
    expect(refused.failed).toMatchObject({ closeCode: 4004 });
    expect(refused.send[0]).toMatchObject({ type: "error", error: { code: 4 } });
  });

  it("[WS-7] an Error without a close code leaves the session open; [WS-6] one with a close code ends it", () => {
    const s = new LegSession(outboxWith(1), CONFIG);
    s.start(T0);
    s.handleMessage(welcome([sa(K1, 0n)]), T0);
    const soft = s.handleMessage({ type: "error", error: { code: 31, detail: "conflict", stream: { ...K1, seq: 0n } } }, T0);
    expect(soft.peerErrors.map((e) => e.errorName)).toEqual(["SEQUENCE_CONFLICT"]);
    expect(s.state).toBe("established");
    const hard = s.handleMessage({ type: "error", error: { code: 72, detail: "disk full" } }, T0);
    expect(hard.failed).toMatchObject({ origin: "received", error: { errorName: "STORAGE_FULL", fault: "remote" } });
    expect(s.state).toBe("failed");
  });

  it("[HS-1] refuses what a server may not send: events, a second Welcome, garbage", () => {
    for (const m of [
      { type: "events", events: { stream: 1, epoch: EPOCH, firstSeq: 0n, priority: "bulk", ttlMs: 0, payloads: [new Uint8Array([1])], signatures: [] } } as Message,
      welcome([]),
    ]) {
      const s = new LegSession(new MemoryOutbox(), CONFIG);
      s.start(T0);
      s.handleMessage(welcome([]), T0);
      expect(s.handleMessage(m, T0).failed?.closeCode, m.type).toBe(4004);
    }
    const s = new LegSession(new MemoryOutbox(), CONFIG);
    s.start(T0);
    let err: unknown;
    try {
      decodeMessage(new Uint8Array([0xff, 0xff]));
    } catch (e) {
      err = e;
    }
    const step = s.handleUndecodable(err as never);
    expect(step.failed?.closeCode).toBe(4001);
    expect(step.send.map((m) => encodeMessage(m)[0])).toEqual([0x42]);
  });
});
