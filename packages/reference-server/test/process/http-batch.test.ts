/**
 * The HTTP batch binding of a real `ferry-server` process (chapter 12):
 * answers, idempotency, and each refusal with its status and Error body,
 * while a WebSocket client keeps streaming and refused batches store nothing.
 */
import { request } from "node:http";
import { batchToJson, decodeAck, decodeMessage, encodeBatch, type Batch, type ErrorMessage, type Hello, type Message } from "@ferry/protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startServer, tempDir, writeTokens, type RunningServer } from "../support/server-process.js";
import { eventsMessage, GoodClient } from "../support/ws-client.js";

const GOOD = new Uint8Array([0x0a, 0x0b, 0x0c, 0x0d]);
const DEVICE = new Uint8Array([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]);
const EPOCH = 305441741;
const ADMIN = "admin-secret";
const REFUSED_STREAM = 9;
const PB = "application/x-protobuf";
const JSON_TYPE = "application/json";

let server: RunningServer;
let good: GoodClient;

function hello(over: Partial<Hello> = {}): Hello {
  return {
    majors: [1],
    minor: 0,
    role: "app",
    deviceId: DEVICE,
    features: 8,
    credential: new TextEncoder().encode("app-token"),
    resumeToken: new Uint8Array(0),
    custody: [],
    maxMessage: 0,
    wakeBudgetMs: 3000,
    pending: [],
    ...over,
  };
}

const batch = (messages: Message[], over: Partial<Hello> = {}): Batch => ({ hello: hello(over), messages });
const refusedEvents = () => eventsMessage(REFUSED_STREAM, EPOCH, 0n, ["must-not-be-stored"]);

async function post(body: Uint8Array | string, headers: Record<string, string>): Promise<{ status: number; type: string; bytes: Uint8Array; headers: Headers }> {
  const res = await fetch(`${server.httpUrl}/v1/batch`, { method: "POST", body, headers });
  return { status: res.status, type: res.headers.get("content-type") ?? "", bytes: new Uint8Array(await res.arrayBuffer()), headers: res.headers };
}

const postPb = (b: Batch, headers: Record<string, string> = {}) => post(encodeBatch(b), { "Content-Type": PB, ...headers });
const postJson = (b: Batch | string, headers: Record<string, string> = {}) =>
  post(typeof b === "string" ? b : JSON.stringify(batchToJson(b)), { "Content-Type": JSON_TYPE, ...headers });

/** A bare ferry.v1.Error, read through the Message codec (it is Message field 8). */
function errorFromPb(bytes: Uint8Array): ErrorMessage {
  const wrapped = decodeMessage(new Uint8Array([0x42, ...varint(bytes.length), ...bytes]));
  if (wrapped.type !== "error") throw new Error("not an Error");
  return wrapped.error;
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

const errorFromJson = (bytes: Uint8Array) => JSON.parse(Buffer.from(bytes).toString()) as { code: number; detail?: string; stream?: unknown };

async function deliveriesOf(stream: number): Promise<{ seq?: string; payload?: string }[]> {
  const res = await fetch(`${server.httpUrl}/v1/events?limit=1000`, { headers: { Authorization: `Bearer ${ADMIN}` } });
  const { deliveries } = (await res.json()) as { deliveries: { deviceId: string; stream: number; seq?: string; payload?: string }[] };
  return deliveries.filter((d) => d.deviceId === Buffer.from(DEVICE).toString("hex") && d.stream === stream);
}

beforeAll(async () => {
  const dir = tempDir();
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
  const tokens = writeTokens(dir, { "app-token": [hex(GOOD), hex(DEVICE)], "narrow-token": [hex(GOOD)] });
  server = await startServer(["--tokens", tokens, "--admin-token", ADMIN, "--max-message", "65536", "--log-level", "error"], { dir });
  good = await GoodClient.open(server.url, GOOD, "app-token", 1, EPOCH);
  await good.send(1);
});

afterEach(async () => {
  // [ERR-6] the WebSocket session goes on; [HTTP-10] [ERR-5] refused batches stored nothing.
  await good.send(1);
  expect(await deliveriesOf(REFUSED_STREAM)).toEqual([]);
});

afterAll(async () => {
  good?.raw.close();
  expect(await server?.stop()).toBe(0);
});

describe("ferry-server HTTP batch binding", () => {
  it("[HTTP-2] [HTTP-5] [CMD-12] answers a protobuf batch with an Ack covering every stream it names", async () => {
    const res = await postPb(
      batch(
        [eventsMessage(3, EPOCH, 44n, ["smoke:kitchen"], { priority: "critical" }), { type: "accounting", accounting: { stream: 2, epoch: EPOCH, ranges: [{ first: 0n, last: 99n, reason: "expired" }] } }],
        { pending: [{ stream: 5, epoch: EPOCH }] },
      ),
    );
    expect(res.status).toBe(200);
    expect(res.type).toBe(PB);
    const ack = decodeAck(res.bytes);
    expect(ack.streams.map((s) => [s.stream, s.nextSeq])).toEqual([
      [3, 0n],
      [2, 100n],
      [5, 0n],
    ]);
    expect(ack.streams[0]!.received).toEqual([{ first: 44n, last: 44n }]);
    expect(ack.commandsPending).toBe(0);
  });

  it("[HTTP-7] [HTTP-8] answers JSON in JSON, or in protobuf when Accept asks for it", async () => {
    const b = batch([eventsMessage(4, EPOCH, 0n, ["a", "b"])]);
    const json = await postJson(b);
    expect(json.status).toBe(200);
    expect(json.type).toBe(JSON_TYPE);
    expect(JSON.parse(Buffer.from(json.bytes).toString())).toEqual({ streams: [{ stream: 4, epoch: EPOCH, nextSeq: "2" }] });
    const pb = await postJson(b, { Accept: PB });
    expect(pb.type).toBe(PB);
    expect(decodeAck(pb.bytes).streams[0]!.nextSeq).toBe(2n);
  });

  it("[HTTP-12] a batch posted twice stores nothing twice and gets an equivalent Ack", async () => {
    const b = batch([eventsMessage(6, EPOCH, 0n, ["once", "only"])]);
    const first = decodeAck((await postPb(b)).bytes);
    const second = decodeAck((await postPb(b)).bytes);
    expect(second).toEqual(first);
    expect((await deliveriesOf(6)).map((d) => d.seq)).toEqual(["0", "1"]);
  });

  it("[HTTP-6] takes the credential from Authorization: Bearer; a header that differs from Hello.credential is AUTH_FAILED", async () => {
    const ok = await postPb(batch([eventsMessage(7, EPOCH, 0n, ["bearer"])], { credential: new Uint8Array(0) }), { Authorization: "Bearer app-token" });
    expect(ok.status).toBe(200);
    const clash = await postPb(batch([refusedEvents()]), { Authorization: "Bearer narrow-token" });
    expect(clash.status).toBe(401);
    expect(errorFromPb(clash.bytes).code).toBe(20);
  });

  it("[SEC-1] a bad credential: 401 AUTH_FAILED, nothing stored", async () => {
    const res = await postPb(batch([refusedEvents()], { credential: new TextEncoder().encode("nope") }));
    expect(res.status).toBe(401);
    expect(res.type).toBe(PB);
    expect(errorFromPb(res.bytes).code).toBe(20);
  });

  it("[SEC-2] a device the credential does not cover: 403 DEVICE_NOT_ALLOWED", async () => {
    const res = await postJson(batch([refusedEvents()], { credential: new TextEncoder().encode("narrow-token") }));
    expect(res.status).toBe(403);
    expect(errorFromJson(res.bytes).code).toBe(21);
  });

  it("[HTTP-11] another content type: 415 with MALFORMED, in protobuf or, when Accept asks, JSON", async () => {
    const res = await post(encodeBatch(batch([refusedEvents()])), { "Content-Type": "text/plain" });
    expect(res.status).toBe(415);
    expect(res.type).toBe(PB);
    expect(errorFromPb(res.bytes).code).toBe(1);
    const json = await post("{}", { "Content-Type": "application/xml", Accept: JSON_TYPE });
    expect(json.status).toBe(415);
    expect(errorFromJson(json.bytes).code).toBe(1);
  });

  it("[HTTP-11] a method other than POST: 405", async () => {
    const res = await fetch(`${server.httpUrl}/v1/batch`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });

  it("[HTTP-16] JSON that does not parse or validate: 400 MALFORMED in JSON", async () => {
    const broken = await postJson('{"hello": {"majors": [1], ');
    expect(broken.status).toBe(400);
    expect(errorFromJson(broken.bytes).code).toBe(1);
    const invalid = await postJson(JSON.stringify({ hello: { majors: [1], role: "ROLE_APP", deviceId: "AQIDBAUGBwg=" }, messages: [{ events: { stream: 9, firstSeq: 0, epoch: EPOCH, payloads: ["AA=="] } }] }));
    expect(invalid.status).toBe(400);
    expect(errorFromJson(invalid.bytes).code).toBe(1);
  });

  it("[HTTP-14] a body over max_message: 413 MESSAGE_TOO_LARGE, unread past the limit", async () => {
    const big = batch([eventsMessage(REFUSED_STREAM, EPOCH, 0n, [new Uint8Array(70_000)])]);
    const res = await postPb(big);
    expect(res.status).toBe(413);
    expect(errorFromPb(res.bytes).code).toBe(2);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.httpUrl}/v1/batch`, { method: "POST", headers: { "Content-Type": PB, "Transfer-Encoding": "chunked" } }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on("error", (e) => (req.destroyed ? undefined : reject(e)));
      const bytes = encodeBatch(big);
      for (let i = 0; i < bytes.length; i += 8192) req.write(bytes.subarray(i, i + 8192));
      req.end();
    });
    expect(chunked).toBe(413);
  });

  it("[HTTP-4] [HTTP-10] a body not allowed in a batch: 400 UNEXPECTED_MESSAGE, and nothing of the batch stored", async () => {
    const res = await postPb(batch([refusedEvents(), { type: "ack", ack: { streams: [], scope: "hop", commandsPending: 0 } }]));
    expect(res.status).toBe(400);
    expect(errorFromPb(res.bytes).code).toBe(4);
  });

  it("[ENV-5] an event run with epoch 0: 400 INVALID_FIELD", async () => {
    const res = await postPb(batch([eventsMessage(REFUSED_STREAM, 0, 0n, ["zero"])]));
    expect(res.status).toBe(400);
    expect(errorFromPb(res.bytes).code).toBe(5);
  });

  it("[VER-6] an unknown message body: 400 UNKNOWN_MESSAGE", async () => {
    const helloBytes = encodeBatch(batch([]));
    const res = await post(new Uint8Array([...helloBytes, 0x12, 0x02, 0x7a, 0x00]), { "Content-Type": PB });
    expect(res.status).toBe(400);
    expect(errorFromPb(res.bytes).code).toBe(3);
  });

  it("a batch without hello: 400 UNEXPECTED_MESSAGE (chapter 12.1)", async () => {
    const res = await postJson(JSON.stringify({ messages: [] }));
    expect(res.status).toBe(400);
    expect(errorFromJson(res.bytes).code).toBe(4);
  });

  it("[ACK-8] an identity held with another payload: 409 SEQUENCE_CONFLICT naming it; the stored payload stays", async () => {
    expect((await postPb(batch([eventsMessage(8, EPOCH, 0n, ["original"])]))).status).toBe(200);
    const res = await postPb(batch([eventsMessage(8, EPOCH, 0n, ["forged"])]));
    expect(res.status).toBe(409);
    expect(errorFromPb(res.bytes)).toMatchObject({ code: 31, stream: { stream: 8, epoch: EPOCH, seq: 0n } });
    expect((await deliveriesOf(8)).map((d) => Buffer.from(d.payload!, "base64").toString())).toEqual(["original"]);
  });

  it("[CMD-12] [CMD-13] commands_pending counts unsettled commands; a CommandAck in a batch settles them", async () => {
    const hex = Buffer.from(DEVICE).toString("hex");
    const queued = await fetch(`${server.httpUrl}/v1/devices/${hex}/commands`, {
      method: "POST",
      headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": JSON_TYPE },
      body: JSON.stringify({ payload: Buffer.from("reboot").toString("base64") }),
    });
    expect(queued.status).toBe(201);
    const { id } = (await queued.json()) as { id: string };
    expect(decodeAck((await postPb(batch([]))).bytes).commandsPending).toBe(1);
    const settle: Message = { type: "commandAck", commandAck: { ids: [BigInt(id)], outcome: "executed", scope: "end-to-end" } };
    expect(decodeAck((await postPb(batch([settle]))).bytes).commandsPending).toBe(0);
    const outcome = await fetch(`${server.httpUrl}/v1/devices/${hex}/commands/${id}`, { headers: { Authorization: `Bearer ${ADMIN}` } });
    expect(await outcome.json()).toMatchObject({ outcome: "executed", scope: "end-to-end" });
  });

  it("[HTTP-15] health answers without authentication", async () => {
    const res = await fetch(`${server.httpUrl}/v1/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", protocol: "1.0" });
  });
});
