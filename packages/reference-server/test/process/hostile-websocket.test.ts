/**
 * Hostile input over real WebSockets against a real `ferry-server` process
 * [ERR-4] [ERR-5] [ERR-6]: each case asserts the Error code and the close
 * code, that nothing it sent was stored, and that a well-behaved client on
 * another connection keeps streaming through it.
 */
import { randomBytes } from "node:crypto";
import { mintResumeToken, type Message } from "@ferry/protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startServer, tempDir, writeTokens, type RunningServer } from "../support/server-process.js";
import { eventsMessage, GoodClient, helloMessage, RawClient } from "../support/ws-client.js";

const GOOD = new Uint8Array([0x0a, 0x0b, 0x0c, 0x0d]);
const HOSTILE = new Uint8Array([0xba, 0xd0]);
const EPOCH = 0x2f6a91c3;
const KEY_HEX = "07".repeat(32);
const ADMIN = "admin-secret";
/** The stream every refused case tries to write: it must stay empty. */
const REFUSED_STREAM = 9;

let server: RunningServer;
let good: GoodClient;

async function streamState(deviceId: Uint8Array, stream: number): Promise<{ nextSeq: string; received: unknown[] }> {
  const hex = Buffer.from(deviceId).toString("hex");
  const res = await fetch(`${server.httpUrl}/v1/devices/${hex}/streams?keys=${stream}:${EPOCH}`, { headers: { Authorization: `Bearer ${ADMIN}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { streams: { nextSeq: string; received: unknown[] }[] }).streams[0]!;
}

/** A connection that has its Welcome. */
async function opened(deviceId = HOSTILE, credential = "app-token"): Promise<RawClient> {
  const c = await RawClient.connect(server.url);
  c.send(helloMessage(deviceId, credential));
  await c.welcome();
  return c;
}

const refused = (n = 1) => eventsMessage(REFUSED_STREAM, EPOCH, 0n, Array.from({ length: n }, () => "must-not-be-stored"));

beforeAll(async () => {
  const dir = tempDir();
  const tokens = writeTokens(dir, { "app-token": [Buffer.from(GOOD).toString("hex"), Buffer.from(HOSTILE).toString("hex")], "narrow-token": [Buffer.from(HOSTILE).toString("hex")] });
  server = await startServer(
    ["--tokens", tokens, "--admin-token", ADMIN, "--resume-key", KEY_HEX, "--max-message", "4096", "--window-events", "8", "--flood-messages", "300", "--log-level", "warn"],
    { dir },
  );
  good = await GoodClient.open(server.url, GOOD, "app-token", 1, EPOCH);
  await good.send(3);
});

afterEach(async () => {
  // [ERR-6] the other session goes on, and [ERR-5] nothing refused was stored.
  await good.send(2);
  expect(await streamState(GOOD, 1)).toMatchObject({ nextSeq: String(good.next), received: [] });
  expect(await streamState(HOSTILE, REFUSED_STREAM)).toMatchObject({ nextSeq: "0", received: [] });
});

afterAll(async () => {
  good?.raw.close();
  expect(await server?.stop()).toBe(0);
});

describe("ferry-server refuses hostile WebSocket input", () => {
  it("[ERR-2] [WS-6] a frame that does not decode: MALFORMED, close 4001", async () => {
    const c = await opened();
    c.send(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
    c.send(refused());
    expect(await c.closeCode()).toBe(4001);
    expect(c.errors()).toEqual([1]);
  });

  it("[WS-1] a text frame: MALFORMED, close 4001", async () => {
    const c = await opened();
    c.ws.send("not a ferry message", { binary: false });
    expect(await c.closeCode()).toBe(4001);
    expect(c.errors()).toEqual([1]);
  });

  it("[WS-2] [SEC-13] a message over max_message: MESSAGE_TOO_LARGE, close 4002", async () => {
    const c = await opened();
    c.send(eventsMessage(REFUSED_STREAM, EPOCH, 0n, [new Uint8Array(5000)]));
    expect(await c.closeCode()).toBe(4002);
    expect(c.errors()).toEqual([2]);
  });

  it("[VER-6] [WS-7] an unknown message type: UNKNOWN_MESSAGE, the connection stays and its events are taken", async () => {
    const c = await opened();
    c.send(new Uint8Array([0x7a, 0x00]));
    c.send(eventsMessage(20, EPOCH, 0n, ["after-unknown"]));
    expect((await c.ackedTo(20, 1n)).nextSeq).toBe(1n);
    expect(c.errors()).toEqual([3]);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    c.close();
  });

  it("[HS-1] events before the Hello: UNEXPECTED_MESSAGE, close 4004, nothing stored", async () => {
    const c = await RawClient.connect(server.url);
    c.send(refused());
    c.send(helloMessage(HOSTILE, "app-token"));
    expect(await c.closeCode()).toBe(4004);
    expect(c.errors()).toEqual([4]);
    expect(c.messages.some((m) => m.type === "welcome")).toBe(false);
  });

  it("[HS-9] [SEC-6] a forged resume token: fresh session (TOKEN_INVALID), first-flight events accepted", async () => {
    const c = await RawClient.connect(server.url);
    c.send(helloMessage(HOSTILE, "app-token", { resumeToken: new Uint8Array(randomBytes(46)) }));
    c.send(eventsMessage(21, EPOCH, 0n, ["first-flight"]));
    expect(await c.welcome()).toMatchObject({ resumed: false, resumeRefused: 22 });
    expect((await c.ackedTo(21, 1n)).nextSeq).toBe(1n);
    expect(c.errors()).toEqual([]);
    c.close();
  });

  it("[HS-9] [SEC-5] an expired resume token: fresh session (TOKEN_EXPIRED), first-flight events accepted", async () => {
    const expired = mintResumeToken({
      key: Buffer.from(KEY_HEX, "hex"),
      sessionId: new Uint8Array(16).fill(1),
      deviceId: HOSTILE,
      expiresAtS: Math.floor(Date.now() / 1000) - 60,
    });
    const c = await RawClient.connect(server.url);
    c.send(helloMessage(HOSTILE, "app-token", { resumeToken: expired }));
    c.send(eventsMessage(22, EPOCH, 0n, ["first-flight"]));
    expect(await c.welcome()).toMatchObject({ resumed: false, resumeRefused: 23 });
    expect((await c.ackedTo(22, 1n)).nextSeq).toBe(1n);
    c.close();
  });

  it("[HS-8] a token minted for another device is TOKEN_INVALID; its own device's token resumes", async () => {
    const first = await opened();
    const token = (await first.welcome()).resumeToken;
    first.close();
    const other = await RawClient.connect(server.url);
    other.send(helloMessage(GOOD, "app-token", { resumeToken: token }));
    expect(await other.welcome()).toMatchObject({ resumed: false, resumeRefused: 22 });
    other.close();
    const same = await RawClient.connect(server.url);
    same.send(helloMessage(HOSTILE, "app-token", { resumeToken: token }));
    expect(await same.welcome()).toMatchObject({ resumed: true, resumeRefused: 0 });
    same.close();
  });

  it("[SEC-1] a bad credential: AUTH_FAILED, close 4020, first flight discarded", async () => {
    const c = await RawClient.connect(server.url);
    c.send(helloMessage(HOSTILE, "not-a-token"));
    c.send(refused());
    expect(await c.closeCode()).toBe(4020);
    expect(c.errors()).toEqual([20]);
  });

  it("[SEC-2] [HS-3] a device the credential does not cover: DEVICE_NOT_ALLOWED, close 4021", async () => {
    const c = await RawClient.connect(server.url);
    c.send(helloMessage(GOOD, "narrow-token"));
    c.send(eventsMessage(1, EPOCH, good.next, ["intruder"]));
    expect(await c.closeCode()).toBe(4021);
    expect(c.errors()).toEqual([21]);
  });

  it("[ENV-5] events with epoch 0 on the server leg: INVALID_FIELD, close 4005", async () => {
    const c = await opened();
    c.send(eventsMessage(REFUSED_STREAM, 0, 0n, ["epoch-zero"]));
    expect(await c.closeCode()).toBe(4005);
    expect(c.errors()).toEqual([5]);
  });

  it("[FLOW-8] events beyond the window: WINDOW_EXCEEDED naming the first, the rest acknowledged, connection open", async () => {
    const c = await RawClient.connect(server.url);
    c.send(helloMessage(HOSTILE, "app-token"));
    c.send(eventsMessage(23, EPOCH, 100n, Array.from({ length: 20 }, (_, i) => `w${i}`)));
    const error = await c.next((m) => m.type === "error");
    expect(error).toMatchObject({ error: { code: 40, stream: { stream: 23, epoch: EPOCH, seq: 108n } } });
    const ack = await c.ackedTo(23, 0n);
    expect(ack.received).toEqual([{ first: 100n, last: 107n }]);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    c.close();
  });

  it("[WS-9] a flood of messages: RATE_LIMITED, close 4041", async () => {
    const c = await opened();
    const noise: Message = { type: "error", error: { code: 70, detail: "noise" } };
    for (let i = 0; i < 400; i++) c.send(noise);
    expect(await c.closeCode()).toBe(4041);
    expect(c.errors()).toEqual([41]);
  });

  it("[ACK-8] the same identity with another payload: SEQUENCE_CONFLICT, stored payload kept, connection open", async () => {
    const a = await opened();
    a.send(eventsMessage(24, EPOCH, 0n, ["original"]));
    await a.ackedTo(24, 1n);
    a.close();
    const b = await opened();
    b.send(eventsMessage(24, EPOCH, 0n, ["forged"]));
    const error = await b.next((m) => m.type === "error");
    expect(error).toMatchObject({ error: { code: 31, stream: { stream: 24, epoch: EPOCH, seq: 0n } } });
    expect((await b.ackedTo(24, 1n)).nextSeq).toBe(1n);
    expect(b.ws.readyState).toBe(b.ws.OPEN);
    b.close();
    const res = await fetch(`${server.httpUrl}/v1/events?limit=1000`, { headers: { Authorization: `Bearer ${ADMIN}` } });
    const { deliveries } = (await res.json()) as { deliveries: { deviceId: string; stream: number; payload?: string }[] };
    const held = deliveries.filter((d) => d.deviceId === "bad0" && d.stream === 24);
    expect(held.map((d) => Buffer.from(d.payload!, "base64").toString())).toEqual(["original"]);
  });

  it("[WS-4] an upgrade without the ferry.v1 subprotocol is refused with 400", async () => {
    await expect(RawClient.connect(server.url, ["ferry.v2"])).rejects.toThrow(/400/);
    await expect(RawClient.connect(server.url, [])).rejects.toThrow(/400/);
  });
});
