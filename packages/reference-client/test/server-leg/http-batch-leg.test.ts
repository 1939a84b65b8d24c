import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ackToJson, batchFromJson, decodeBatch, encodeAck, encodeMessage, type Ack, type Batch, type StreamAck } from "@ferry/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { BatchRefused, HttpBatchLeg } from "../../src/server-leg/http-batch-leg.js";
import { MemoryOutbox } from "../../src/server-leg/memory-outbox.js";
import { CREDENTIAL, DEVICE, EPOCH } from "./fake-server.js";

const K1 = { stream: 1, epoch: EPOCH };
const K2 = { stream: 2, epoch: EPOCH };

/** A fake batch endpoint: custody in memory, bare Error bodies like the reference server's. */
class FakeBatchServer {
  readonly held = new Map<string, Set<bigint>>();
  readonly batches: { type: string; batch: Batch; bytes: number }[] = [];
  status: number | undefined;
  #server = createServer((req, res) => void this.#handle(req, res));
  port = 0;

  async start(): Promise<this> {
    await new Promise<void>((r) => this.#server.listen(0, "127.0.0.1", r));
    this.port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.#server.close(() => r()));
  }

  ack(key: { stream: number; epoch: number }): StreamAck {
    const set = this.held.get(`${key.stream}/${key.epoch}`) ?? new Set();
    let next = 0n;
    while (set.has(next)) next++;
    return { ...key, nextSeq: next, received: [], accounted: [] };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const type = req.headers["content-type"] ?? "";
    const json = type.startsWith("application/json");
    const batch = json ? batchFromJson(JSON.parse(body.toString())) : decodeBatch(body);
    this.batches.push({ type, batch, bytes: body.length });
    const fail = this.status ?? (Buffer.from(batch.hello.credential).equals(Buffer.from(CREDENTIAL)) ? undefined : 401);
    if (fail !== undefined) {
      const code = fail === 401 ? 20 : 71;
      // A bare ferry.v1.Error: the Message wrapper's tag and length cut off.
      const bare = encodeMessage({ type: "error", error: { code, detail: "refused" } }).subarray(2);
      res.writeHead(fail, { "content-type": json ? "application/json" : "application/x-protobuf" });
      return void res.end(json ? JSON.stringify({ code, detail: "refused" }) : bare);
    }
    const keys = new Map<string, { stream: number; epoch: number }>();
    for (const k of batch.hello.pending) keys.set(`${k.stream}/${k.epoch}`, k);
    for (const m of batch.messages) {
      if (m.type !== "events") continue;
      const id = `${m.events.stream}/${m.events.epoch}`;
      keys.set(id, m.events);
      const set = this.held.get(id) ?? new Set<bigint>();
      this.held.set(id, set);
      m.events.payloads.forEach((_, i) => set.add(m.events.firstSeq + BigInt(i)));
    }
    const ack: Ack = { streams: [...keys.values()].map((k) => this.ack(k)), scope: "hop", commandsPending: 2 };
    res.writeHead(200, { "content-type": json ? "application/json" : "application/x-protobuf" });
    res.end(json ? JSON.stringify(ackToJson(ack)) : encodeAck(ack));
  }
}

const servers: FakeBatchServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});
async function fake(): Promise<FakeBatchServer> {
  const s = await new FakeBatchServer().start();
  servers.push(s);
  return s;
}
function outbox(n: number, size = 100): MemoryOutbox {
  const o = new MemoryOutbox();
  // Two streams, interleaved: stream 2 gets every third event.
  const next = new Map([[1, 0n], [2, 0n]]);
  for (let i = 0; i < n; i++) {
    const key = i % 3 === 0 ? K2 : K1;
    const seq = next.get(key.stream)!;
    next.set(key.stream, seq + 1n);
    o.add(key, "bulk", seq, new Uint8Array(size).fill(i & 0xff));
  }
  return o;
}

describe("HTTP batch leg", () => {
  for (const format of ["protobuf", "json"] as const) {
    it(`[HTTP-2] [HTTP-5] [HTTP-13] posts ${format} batches and frees what each 200 Ack covers`, async () => {
      const server = await fake();
      const o = new MemoryOutbox();
      for (let i = 0; i < 50; i++) o.add(K1, "bulk", BigInt(i), new Uint8Array([i]));
      const leg = new HttpBatchLeg({ baseUrl: `http://127.0.0.1:${server.port}`, deviceId: DEVICE, credential: CREDENTIAL, format });
      const result = await leg.drain(o);
      expect(result).toMatchObject({ batches: 1, eventsAcked: 50, commandsPending: 2, leftover: false });
      expect(o.isEmpty).toBe(true);
      expect(server.batches[0]?.type).toBe(format === "json" ? "application/json" : "application/x-protobuf");
      expect(server.batches[0]?.batch.hello.pending).toEqual([K1]);
    });
  }

  it("[HTTP-14] cuts batches to the server's max_message", async () => {
    const server = await fake();
    const o = outbox(300, 100);
    const leg = new HttpBatchLeg({ baseUrl: `http://127.0.0.1:${server.port}/`, deviceId: DEVICE, credential: CREDENTIAL, maxMessage: 4096 });
    const result = await leg.drain(o);
    expect(o.isEmpty).toBe(true);
    expect(result.batches).toBeGreaterThan(5);
    expect(Math.max(...server.batches.map((b) => b.bytes))).toBeLessThanOrEqual(4096);
    expect(result.eventsAcked).toBe(300);
  });

  it("[HTTP-10] [HTTP-13] a refused batch (401, bare Error body) frees nothing and names the error", async () => {
    const server = await fake();
    const o = outbox(5);
    const leg = new HttpBatchLeg({ baseUrl: `http://127.0.0.1:${server.port}`, deviceId: DEVICE, credential: new Uint8Array([9]) });
    const err = await leg.drain(o).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BatchRefused);
    expect(err).toMatchObject({ status: 401, errorName: "AUTH_FAILED", fault: "local", retryable: false });
    expect(o.size).toBe(5);
  });

  it("[HTTP-13] a 503 is retryable; the same drain posts again after it and loses nothing", async () => {
    const server = await fake();
    server.status = 503;
    const o = outbox(5);
    const leg = new HttpBatchLeg({ baseUrl: `http://127.0.0.1:${server.port}`, deviceId: DEVICE, credential: CREDENTIAL, format: "json" });
    const err = await leg.drain(o).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503, errorName: "UNAVAILABLE", retryable: true });
    server.status = undefined;
    expect((await leg.drain(o)).eventsAcked).toBe(5);
    expect(o.isEmpty).toBe(true);
  });
});
