/**
 * Command retransmission over real loopback WebSockets, against a server
 * in this process with a short retransmission timer (the spec's 10 s is
 * exercised by the e2e test): a client that drops the first delivery, or
 * whose CommandAck is lost, still has the command carried out exactly once
 * by a device that deduplicates [CMD-14] [ACK-18] [CMD-9].
 */
import type { Command, Message } from "@ferry/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { Credentials, FerryServer, silentLogger } from "../../src/index.js";
import { DedupDevice } from "../support/dedup-device.js";
import { helloMessage, RawClient } from "../support/ws-client.js";

const DEVICE = new Uint8Array([0xc0, 0x3d]);
const TOKEN = "demo";
const isCommand = (m: Message): m is Extract<Message, { type: "command" }> => m.type === "command";

let server: FerryServer | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  server = undefined;
});

async function start(): Promise<FerryServer> {
  server = await FerryServer.start({
    port: 0,
    dbPath: ":memory:",
    credentials: new Credentials([[TOKEN, "*"]]),
    commandRetransmission: { initialMs: 300, maxMs: 600, expiries: 3 },
    logger: silentLogger,
  });
  return server;
}

async function connect(s: FerryServer, resumeToken: Uint8Array = new Uint8Array(0)): Promise<RawClient> {
  const c = await RawClient.connect(s.url);
  clients.push(c);
  c.send(helloMessage(DEVICE, TOKEN, { features: 2, resumeToken }));
  await c.welcome();
  return c;
}

/** The n-th Command this client received (0-based), waiting for it. */
async function nthCommand(c: RawClient, n: number): Promise<Command> {
  let from = 0;
  for (let i = 0; ; i++) {
    const m = await c.next(isCommand, from);
    if (i === n) return m.command;
    from = c.messages.indexOf(m) + 1;
  }
}

async function outcome(s: FerryServer, id: bigint) {
  for (let i = 0; i < 200; i++) {
    const o = await s.store.commandOutcome(DEVICE, id);
    if (o) return o;
    await new Promise((r) => setTimeout(r, 25));
  }
  return undefined;
}

describe("command retransmission over WebSocket", () => {
  it("[CMD-14] [ACK-18] [CMD-9] a client that drops the first delivery gets the command again on the same connection; it runs once", async () => {
    const s = await start();
    const device = new DedupDevice();
    const c = await connect(s);
    const id = await s.enqueueCommand(DEVICE, new TextEncoder().encode("unlock"));
    const dropped = await nthCommand(c, 0);
    const again = await nthCommand(c, 1);
    expect(again).toEqual(dropped);
    c.send({ type: "commandAck", commandAck: device.take(again) });
    expect(await outcome(s, id)).toEqual({ outcome: "executed", scope: "end-to-end" });
    expect(device.executed).toEqual([id]);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
  });

  it("[CMD-14] [CMD-9] [CMD-7] a lost CommandAck brings the command again; the device answers it from its record and does not run it twice", async () => {
    const s = await start();
    const device = new DedupDevice();
    const c = await connect(s);
    const id = await s.enqueueCommand(DEVICE, new TextEncoder().encode("chime"));
    device.take(await nthCommand(c, 0)); // carried out; its CommandAck never reaches the server
    const ack = device.take(await nthCommand(c, 1));
    expect(ack).toEqual({ ids: [id], outcome: "executed", scope: "end-to-end" });
    c.send({ type: "commandAck", commandAck: ack });
    expect(await outcome(s, id)).toEqual({ outcome: "executed", scope: "end-to-end" });
    expect(device.executed).toEqual([id]);
  });

  it("[CMD-14] [ACK-18] [CMD-11] a client that never answers is closed with 1001 after the third expiry; its resumed session gets the command", async () => {
    const s = await start();
    const device = new DedupDevice();
    const c = await connect(s);
    const id = await s.enqueueCommand(DEVICE, new TextEncoder().encode("arm"));
    device.take(await nthCommand(c, 0));
    expect(await c.closeCode()).toBe(1001);
    expect(c.messages.filter(isCommand).map((m) => m.command.id)).toEqual([id, id, id]);
    const welcome = await c.welcome();
    const resumed = await connect(s, welcome.resumeToken);
    const replayed = await nthCommand(resumed, 0);
    resumed.send({ type: "commandAck", commandAck: device.take(replayed) });
    expect(await outcome(s, id)).toEqual({ outcome: "executed", scope: "end-to-end" });
    expect(device.executed).toEqual([id]);
  });
});
