/**
 * The vendor application's side of a real `ferry-server`: the pull API hands
 * over events and accounted ranges once each and in order per stream, with
 * a cursor [ACK-12] [ACK-19]; commands queued through the API reach an open
 * session at once and their outcome is recorded [CMD-11] [CMD-13].
 */
import type { Message } from "@ferry/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../support/server-process.js";
import { eventsMessage, GoodClient, helloMessage, RawClient } from "../support/ws-client.js";

const DEVICE = new Uint8Array([0xfe, 0xed]);
const EPOCH = 4242;
const ADMIN = "vendor-secret";
let server: RunningServer;

const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${server.httpUrl}${path}`, { ...init, headers: { Authorization: `Bearer ${ADMIN}`, ...(init.headers as Record<string, string>) } });

beforeAll(async () => {
  server = await startServer(["--token", "demo", "--admin-token", ADMIN, "--log-level", "error"]);
});

afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

describe("ferry-server vendor API", () => {
  it("refuses a missing or wrong admin token with 401", async () => {
    expect((await fetch(`${server.httpUrl}/v1/events`)).status).toBe(401);
    expect((await fetch(`${server.httpUrl}/v1/events`, { headers: { Authorization: "Bearer demo" } })).status).toBe(401);
  });

  it("[ACK-12] [ACK-19] pages through the delivery log with a cursor, once each and in order, gaps with reasons", async () => {
    const client = await RawClient.connect(server.url);
    client.send(helloMessage(DEVICE, "demo"));
    // Out of order on the wire: 3..4 first, then the gap 1..2 accounted, then 0.
    client.send(eventsMessage(1, EPOCH, 3n, ["d", "e"]));
    client.send({ type: "accounting", accounting: { stream: 1, epoch: EPOCH, ranges: [{ first: 1n, last: 2n, reason: "overflow" }] } });
    client.send(eventsMessage(1, EPOCH, 0n, ["a"]));
    await client.ackedTo(1, 5n);
    client.close();

    const seen: string[] = [];
    let cursor = "0";
    for (let page = 0; page < 10; page++) {
      const res = await admin(`/v1/events?cursor=${cursor}&limit=2`);
      const body = (await res.json()) as { deliveries: { kind: string; seq?: string; first?: string; last?: string; reason?: string; payload?: string }[]; nextCursor: string };
      if (body.deliveries.length === 0) break;
      for (const d of body.deliveries) seen.push(d.kind === "event" ? `${d.seq}:${Buffer.from(d.payload!, "base64")}` : `${d.first}-${d.last}:${d.reason}`);
      cursor = body.nextCursor;
    }
    expect(seen).toEqual(["0:a", "1-2:overflow", "3:d", "4:e"]);
  });

  it("[CMD-11] [CMD-13] a command queued through the API reaches the open session; its outcome is recorded", async () => {
    const client = await GoodClient.open(server.url, DEVICE, "demo", 2, EPOCH);
    const hex = Buffer.from(DEVICE).toString("hex");
    const res = await admin(`/v1/devices/${hex}/commands`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ payload: Buffer.from("beep").toString("base64"), ttlMs: 60_000 }) });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const command = await client.raw.next((m): m is Extract<Message, { type: "command" }> => m.type === "command");
    expect(command.command.id).toBe(BigInt(id));
    expect(Buffer.from(command.command.payload).toString()).toBe("beep");
    expect(command.command.ttlMs).toBeGreaterThan(0);
    expect(command.command.ttlMs).toBeLessThanOrEqual(60_000);
    client.raw.send({ type: "commandAck", commandAck: { ids: [command.command.id], outcome: "executed", scope: "end-to-end" } });
    await client.send(1); // the CommandAck was handled before this Ack
    const outcome = await admin(`/v1/devices/${hex}/commands/${id}`);
    expect(await outcome.json()).toMatchObject({ outcome: "executed", scope: "end-to-end" });
    client.raw.close();
  });

  it("reports custody and accounted ranges of named streams", async () => {
    const hex = Buffer.from(DEVICE).toString("hex");
    const res = await admin(`/v1/devices/${hex}/streams?keys=1:${EPOCH},99:${EPOCH}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { streams: { stream: number; nextSeq: string; accounted: unknown[] }[] };
    expect(body.streams).toEqual([
      { stream: 1, epoch: EPOCH, nextSeq: "5", received: [], accounted: [{ first: "1", last: "2", reason: "overflow" }] },
      { stream: 99, epoch: EPOCH, nextSeq: "0", received: [], accounted: [] },
    ]);
    expect((await admin(`/v1/devices/zz/streams?keys=1:1`)).status).toBe(400);
  });
});
