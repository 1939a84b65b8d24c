/**
 * A real `ferry-server` process reports the ranges it accounted itself at
 * the front of a stream in the Ack, with their reasons [ACK-22], on both
 * bindings: events refused for a bad signature [SEC-11] and events that
 * expired above a gap before hand-off [PRIO-6]. Without the rule next_seq
 * passes such a range at once and the client never hears why.
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Message, StreamAck } from "@ferry/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchHello, postBatch } from "../support/batch-client.js";
import { startServer, tempDir, type RunningServer } from "../support/server-process.js";
import { eventsMessage, helloMessage, RawClient } from "../support/ws-client.js";
import { DEVICE_PUBLIC_KEY, signed } from "../session/signing.js";
import { DEVICE as SIGNING_DEVICE, run } from "../support/session-harness.js";

const TOKEN = "app-token";
const PLAIN_DEVICE = new Uint8Array([0x0e, 0x0e, 0x0e, 0x0e]);
const EPOCH = 0x2f6a91c3;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const rejected = (first: bigint, last: bigint) => ({ first, last, reason: "rejected" as const });
const expired = (first: bigint, last: bigint) => ({ first, last, reason: "expired" as const });

let server: RunningServer;
let dir: string;
const clients: RawClient[] = [];

beforeAll(async () => {
  dir = tempDir();
  const keys = join(dir, "device-keys.json");
  writeFileSync(keys, JSON.stringify({ [hex(SIGNING_DEVICE)]: DEVICE_PUBLIC_KEY }));
  server = await startServer(["--token", TOKEN, "--device-keys", keys, "--log-level", "error"], { dir });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function connect(deviceId: Uint8Array): Promise<RawClient> {
  const c = await RawClient.connect(server.url);
  clients.push(c);
  c.send(helloMessage(deviceId, TOKEN));
  await c.welcome();
  return c;
}

const unsigned = (stream: number, firstSeq: bigint, n: number): Message => eventsMessage(stream, EPOCH, firstSeq, Array.from({ length: n }, (_, i) => `unsigned-${i}`));
const goodSigned = (stream: number, firstSeq: bigint, payloads: string[]): Message => ({ type: "events", events: signed(run(stream, firstSeq, payloads)) });
/** Older than any 1 ms deadline on the server's clock, without asserting anything on time. */
const letExpire = () => new Promise((r) => setTimeout(r, 50));

describe("ranges the server accounted below next_seq reach the client", () => {
  it("[ACK-22] [SEC-11] [HTTP-5] [HTTP-12] HTTP batch: events rejected at the very front of a stream come back REJECTED, in both forms, also when posted again", async () => {
    const batch = { hello: batchHello(SIGNING_DEVICE, TOKEN), messages: [unsigned(1, 0n, 5), goodSigned(1, 5n, ["five", "six"])] };
    const answer = await postBatch(server.httpUrl, batch);
    expect(answer.status).toBe(200);
    const expected: StreamAck = { stream: 1, epoch: EPOCH, nextSeq: 7n, received: [], accounted: [rejected(0n, 4n)] };
    expect(answer.ack!.streams).toEqual([expected]);
    // The answer was lost, say: the same batch again, in JSON this time, gets the same report.
    const again = await postBatch(server.httpUrl, batch, { json: true });
    expect(again.status).toBe(200);
    expect(again.ack!.streams).toEqual([expected]);
    expect(JSON.parse(Buffer.from(again.body).toString()).streams[0].accounted).toEqual([{ last: "4", reason: "REASON_REJECTED" }]); // first 0: a default, left out
  });

  it("[ACK-22] [SEC-11] WebSocket: events rejected at the very front of a stream come back REJECTED beside SIGNATURE_INVALID", async () => {
    const c = await connect(SIGNING_DEVICE);
    c.send(unsigned(2, 0n, 3));
    const ack = await c.ackedTo(2, 3n);
    expect(ack).toEqual({ stream: 2, epoch: EPOCH, nextSeq: 3n, received: [], accounted: [rejected(0n, 2n)] });
    expect(c.errors()).toContain(24);
    // The next good events are acknowledged without repeating what concerns none of them.
    const from = c.messages.length;
    c.send(goodSigned(2, 3n, ["three"]));
    const next = await c.next((m) => m.type === "ack" && m.ack.streams.some((s) => s.stream === 2 && s.nextSeq === 4n), from);
    expect(next.type === "ack" && next.ack.streams[0]!.accounted).toEqual([]);
  });

  it("[ACK-22] [PRIO-6] HTTP batch: events that expired above a gap come back EXPIRED in the answer to the batch that fills the gap", async () => {
    const hello = batchHello(PLAIN_DEVICE, TOKEN);
    const held = await postBatch(server.httpUrl, { hello, messages: [eventsMessage(3, EPOCH, 1n, ["a", "b", "c"], { priority: "realtime", ttlMs: 1 })] });
    expect(held.ack!.streams).toEqual([{ stream: 3, epoch: EPOCH, nextSeq: 0n, received: [{ first: 1n, last: 3n }], accounted: [] }]);
    await letExpire();
    const filled = await postBatch(server.httpUrl, { hello, messages: [eventsMessage(3, EPOCH, 0n, ["zero"])] });
    expect(filled.ack!.streams).toEqual([{ stream: 3, epoch: EPOCH, nextSeq: 4n, received: [], accounted: [expired(1n, 3n)] }]);
  });

  it("[ACK-22] [PRIO-6] WebSocket: events that expired above a gap come back EXPIRED in the Ack of the events that fill the gap", async () => {
    const c = await connect(PLAIN_DEVICE);
    c.send(eventsMessage(4, EPOCH, 1n, ["a", "b"], { priority: "realtime", ttlMs: 1 }));
    expect(await c.ackedTo(4, 0n)).toEqual({ stream: 4, epoch: EPOCH, nextSeq: 0n, received: [{ first: 1n, last: 2n }], accounted: [] });
    await letExpire();
    c.send(eventsMessage(4, EPOCH, 0n, ["zero"]));
    expect(await c.ackedTo(4, 3n)).toEqual({ stream: 4, epoch: EPOCH, nextSeq: 3n, received: [], accounted: [expired(1n, 2n)] });
  });
});
