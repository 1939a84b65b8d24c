import { WebSocketServer } from "ws";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { MemoryOutbox } from "../../src/server-leg/memory-outbox.js";
import { ServerLeg } from "../../src/server-leg/server-leg.js";
import { WebSocketLeg, type LegEnd } from "../../src/server-leg/websocket-leg.js";
import { CREDENTIAL, DEVICE, EPOCH, FakeServer } from "./fake-server.js";
import { waitFor } from "./wait.js";

const K1 = { stream: 1, epoch: EPOCH };
const K3 = { stream: 3, epoch: EPOCH };
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function fake(opts: ConstructorParameters<typeof FakeServer>[0] = {}): Promise<FakeServer> {
  const s = await new FakeServer(opts).start();
  cleanup.push(() => s.stop());
  return s;
}

function fill(o: MemoryOutbox, from: number, to: number, key = K1): void {
  for (let i = from; i < to; i++) o.add(key, key.stream === 3 ? "critical" : "bulk", BigInt(i), new Uint8Array([i & 0xff, i >> 8]));
}

/** Every held sequence exactly once, and no other: says which are missing or doubled. */
function expectExactlyOnce(server: FakeServer, key: { stream: number; epoch: number }, n: number): void {
  const counts = new Map<bigint, number>();
  for (const a of server.arrivals) if (a.key === `${key.stream}/${key.epoch}`) counts.set(a.seq, (counts.get(a.seq) ?? 0) + 1);
  const missing = Array.from({ length: n }, (_, i) => BigInt(i)).filter((s) => !counts.has(s));
  const extra = [...counts.keys()].filter((s) => s >= BigInt(n));
  expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  expect(server.held(key)).toHaveLength(n);
}

function serverLeg(server: FakeServer, outbox: MemoryOutbox, extra: Partial<ConstructorParameters<typeof ServerLeg>[0]> = {}): ServerLeg {
  const leg = new ServerLeg({ url: server.url, source: outbox, deviceId: DEVICE, credential: CREDENTIAL, random: () => 0, ...extra });
  cleanup.push(() => leg.stop());
  return leg;
}

describe("WebSocket leg against a fake server", () => {
  it("[WS-3] [HS-10] [ACK-2] streams everything, freed only on the server's acks", async () => {
    const server = await fake({ window: { events: 64, bytes: 4096 } });
    const outbox = new MemoryOutbox();
    fill(outbox, 0, 300);
    fill(outbox, 0, 5, K3);
    const leg = serverLeg(server, outbox);
    leg.start();
    await waitFor("outbox drained", () => outbox.isEmpty, { describe: () => `${outbox.size} events held` });
    expectExactlyOnce(server, K1, 300);
    expectExactlyOnce(server, K3, 5);
    // [PRIO-3] critical first.
    expect(server.arrivals[0]?.key).toBe("3/" + EPOCH);
    expect(server.welcomes).toHaveLength(1);
  });

  it("[HS-5] [HS-8] [WS-10] resumes the same session after a server restart (close 1001), and new events follow", async () => {
    const server = await fake();
    const outbox = new MemoryOutbox();
    fill(outbox, 0, 50);
    const ends: LegEnd[] = [];
    const leg = serverLeg(server, outbox, { onEnd: (e) => ends.push(e) });
    leg.start();
    await waitFor("first batch acked", () => outbox.isEmpty);
    const first = leg.lastOutcome!;
    await server.stop(1001);
    fill(outbox, 50, 120);
    await server.start();
    await waitFor("second session", () => leg.stats.welcomes === 2 && outbox.isEmpty, { describe: () => JSON.stringify(leg.stats) });
    expect(ends[0]).toMatchObject({ closeCode: 1001, action: "resume-soon" });
    expect(leg.lastOutcome).toMatchObject({ resumed: true, sessionId: first.sessionId });
    expectExactlyOnce(server, K1, 120);
  });

  it("[HS-9] [HS-14] a refused token (new server key) opens a fresh session and loses nothing", async () => {
    const server = await fake();
    const outbox = new MemoryOutbox();
    fill(outbox, 0, 10);
    const leg = serverLeg(server, outbox);
    leg.start();
    await waitFor("acked", () => outbox.isEmpty);
    await server.stop(1001);
    const rekeyed = await fake({ port: server.port, keys: [new Uint8Array(32).fill(9)] });
    for (const [k, v] of server.custody) rekeyed.custody.set(k, v);
    fill(outbox, 10, 30);
    await waitFor("fresh session", () => leg.stats.welcomes === 2 && outbox.isEmpty);
    expect(leg.lastOutcome).toMatchObject({ resumed: false, resumeRefused: 22 });
    expect(rekeyed.held(K1)).toHaveLength(30);
  });

  it("[CMD-7] [CMD-11] takes pushed commands into custody and acknowledges them RECEIVED, HOP", async () => {
    const server = await fake();
    server.enqueueCommand(new Uint8Array([0x41]));
    const taken: bigint[] = [];
    const leg = serverLeg(server, new MemoryOutbox(), { onCommand: (c) => void taken.push(c.id) });
    leg.start();
    await waitFor("replayed command acked", () => server.commandAcks.length === 1);
    server.enqueueCommand(new Uint8Array([0x42]));
    await waitFor("pushed command acked", () => server.commandAcks.length === 2);
    expect(taken).toEqual([1n, 2n]);
    expect(server.commandAcks).toEqual([
      { ids: [1n], outcome: "received", scope: "hop" },
      { ids: [2n], outcome: "received", scope: "hop" },
    ]);
    expect(leg.sendCommandAck({ ids: [1n], outcome: "executed", scope: "end-to-end" })).toBe(true);
    await waitFor("relayed outcome", () => server.commandAcks.length === 3);
  });

  it("[WS-6] [WS-10] AUTH_FAILED: the first flight stays, the error is ours, the next attempt waits the longest backoff", async () => {
    const server = await fake();
    const outbox = new MemoryOutbox();
    fill(outbox, 0, 3);
    const leg = new WebSocketLeg({ url: server.url, source: outbox, deviceId: DEVICE, credential: new Uint8Array([1, 2, 3]) });
    const end = await leg.run();
    expect(end).toMatchObject({ closeCode: 4020, action: "longest", error: { errorName: "AUTH_FAILED", fault: "local" } });
    expect(outbox.size).toBe(3);
    expect(server.arrivals).toEqual([]);
  });

  it("[ACK-17] resends what the server refused once (WINDOW_EXCEEDED), nothing lost or doubled", async () => {
    const server = await fake({ refuseOnce: (_k, seq) => seq % 7n === 3n });
    const outbox = new MemoryOutbox();
    fill(outbox, 0, 100);
    const errors: string[] = [];
    const leg = serverLeg(server, outbox, { onPeerError: (e) => errors.push(e.errorName) });
    leg.start();
    await waitFor("drained", () => outbox.isEmpty, { describe: () => `held ${outbox.held(K1).join(",")}` });
    expectExactlyOnce(server, K1, 100);
    expect(errors.length).toBe(server.refused.size);
    expect(leg.stats.welcomes).toBe(1);
  });

  it("[ACK-18] ends the connection after three retransmission timeouts without an ack, keeping custody", async () => {
    const server = await fake({ silent: true });
    const outbox = new MemoryOutbox();
    fill(outbox, 0, 4);
    const leg = new WebSocketLeg({ url: server.url, source: outbox, deviceId: DEVICE, credential: CREDENTIAL, retransmitTimeoutMs: 20 });
    const end = await leg.run();
    expect(end.error?.errorName).toBe("UNAVAILABLE");
    expect(outbox.size).toBe(4);
    // First flight, then two resends of all four.
    expect(server.arrivals).toHaveLength(12);
  });

  it("[WS-1] a text frame from the server is MALFORMED: Error, then close 4001", async () => {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: () => "ferry.v1" });
    await new Promise((r) => wss.once("listening", r));
    cleanup.push(() => new Promise<void>((r) => wss.close(() => r())));
    const got: { data: Buffer; isBinary: boolean }[] = [];
    wss.on("connection", (ws) => {
      ws.on("message", (data, isBinary) => got.push({ data: data as Buffer, isBinary }));
      ws.send("hello?");
    });
    const port = (wss.address() as AddressInfo).port;
    const leg = new WebSocketLeg({ url: `ws://127.0.0.1:${port}/v1/ws`, source: new MemoryOutbox(), deviceId: DEVICE, credential: CREDENTIAL });
    const end = await leg.run();
    expect(end).toMatchObject({ closeCode: 4001, error: { errorName: "MALFORMED" } });
    // The Hello, then the Error (Message field 8).
    expect(got.map((g) => g.data[0])).toEqual([0x0a, 0x42]);
  });

  it("[WS-3] fails the connection when the server selects no subprotocol", async () => {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: () => false });
    await new Promise((r) => wss.once("listening", r));
    cleanup.push(() => new Promise<void>((r) => wss.close(() => r())));
    const port = (wss.address() as AddressInfo).port;
    const leg = new WebSocketLeg({ url: `ws://127.0.0.1:${port}/v1/ws`, source: new MemoryOutbox(), deviceId: DEVICE, credential: CREDENTIAL });
    const end = await leg.run();
    expect(end.outcome).toBeUndefined();
    expect(end.linkError?.message ?? end.error?.message).toMatch(/subprotocol/i);
  });

  it("[HS-15] backs off with jitter between failed attempts while the server is down", async () => {
    const server = await fake();
    const port = server.port;
    await server.stop();
    const delays: number[] = [];
    const outbox = new MemoryOutbox();
    fill(outbox, 0, 5);
    const leg = serverLeg(server, outbox, { random: () => 0.5, backoff: { baseMs: 20, capMs: 80 }, onEnd: (_e, d) => delays.push(d) });
    leg.start();
    await waitFor("four failed attempts", () => delays.length >= 4);
    expect(delays.slice(0, 4)).toEqual([10, 20, 40, 40]);
    const back = await fake({ port });
    await waitFor("drained after the server came back", () => outbox.isEmpty);
    expect(back.held(K1)).toHaveLength(5);
    expect(leg.backoff.failures).toBe(0);
  });

  it("[HS-15] no Welcome in time: the connection ends (UNAVAILABLE, retried under backoff), custody kept", async () => {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: () => "ferry.v1" });
    await new Promise((r) => wss.once("listening", r));
    cleanup.push(() => new Promise<void>((r) => wss.close(() => r())));
    const port = (wss.address() as AddressInfo).port;
    const outbox = new MemoryOutbox();
    fill(outbox, 0, 2);
    const leg = new WebSocketLeg({ url: `ws://127.0.0.1:${port}/v1/ws`, source: outbox, deviceId: DEVICE, credential: CREDENTIAL, welcomeTimeoutMs: 50 });
    const end = await leg.run();
    expect(end).toMatchObject({ action: "backoff", error: { errorName: "UNAVAILABLE" } });
    expect(end.outcome).toBeUndefined();
    expect(outbox.size).toBe(2);
  });

  it("[ENV-5] a source that breaks the rules (epoch 0 on the server leg) ends the connection locally, not the process", async () => {
    const server = await fake();
    const outbox = new MemoryOutbox();
    outbox.add({ stream: 1, epoch: 0 }, "bulk", 0n, new Uint8Array([1]));
    const end = await new WebSocketLeg({ url: server.url, source: outbox, deviceId: DEVICE, credential: CREDENTIAL }).run();
    expect(end.error).toMatchObject({ errorName: "INVALID_FIELD", fault: "local" });
    expect(outbox.size).toBe(1);
  });
});
