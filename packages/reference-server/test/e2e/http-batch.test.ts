/**
 * Ingest, custody ("resume" without a session) and the downlink hint over
 * the HTTP batch binding against a real ferry-server, protobuf and JSON.
 */
import { afterEach, describe, expect, it } from "vitest";
import { BatchRefused, HttpBatchLeg, MemoryOutbox, ServerLeg } from "@ferry/reference-client";
import { commandOutcome, CREDENTIAL, enqueueCommand, hexOf, pullAll, startServer, tempDir, waitFor, type ServerProcess } from "./harness.js";
import { auditDeliveries, Producer, RecordingOutbox } from "./ledger.js";
import { outboxOf, script, step } from "./vectors-script.js";

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function server(): Promise<ServerProcess> {
  const s = await startServer({ db: `${tempDir(cleanup)}/ferry.db` });
  cleanup.push(() => s.kill("SIGKILL"));
  return s;
}
const batchLeg = (srv: ServerProcess, deviceId: Uint8Array, extra: Partial<ConstructorParameters<typeof HttpBatchLeg>[0]> = {}) =>
  new HttpBatchLeg({ baseUrl: srv.base, deviceId, credential: CREDENTIAL, ...extra });

describe("HTTP batch binding, end to end", () => {
  it("[HTTP-2] [HTTP-5] [HTTP-14] ingests protobuf and JSON batches, cut to max_message, delivered once in order", async () => {
    const srv = await server();
    const producers = [0, 1].map((i) => new Producer(Uint8Array.from([0xb0, i]), new RecordingOutbox()));
    producers.forEach((p) => {
      p.produce({ stream: 1, epoch: 11 }, "bulk", 1500);
      p.produce({ stream: 2, epoch: 11 }, "critical", 20);
    });
    const [a, b] = await Promise.all([
      batchLeg(srv, producers[0]!.deviceId, { maxMessage: 4096 }).drain(producers[0]!.outbox),
      batchLeg(srv, producers[1]!.deviceId, { format: "json" }).drain(producers[1]!.outbox),
    ]);
    expect(a).toMatchObject({ eventsAcked: 1520, leftover: false });
    expect(a.batches, "4 KiB bodies: several batches").toBeGreaterThan(4);
    expect(b).toMatchObject({ eventsAcked: 1520, leftover: false });
    expect(producers.map((p) => p.outbox.size)).toEqual([0, 0]);
    const problems = auditDeliveries(await pullAll(srv.base), producers);
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("[HTTP-12] the same batch posted twice stores nothing twice and is acknowledged the same", async () => {
    const srv = await server();
    const s = script("app-server-first-flight");
    const leg = batchLeg(srv, s.hello.deviceId);
    const first = await leg.post(s.flight, s.hello.pending);
    const again = await leg.post(s.flight, s.hello.pending);
    const sortAcks = (x: typeof first) => [...x.streams].sort((p, q) => p.stream - q.stream);
    expect(sortAcks(first)).toEqual([...step(s, "ack").ack.streams].sort((p, q) => p.stream - q.stream));
    expect(sortAcks(again)).toEqual(sortAcks(first));
    const log = (await pullAll(srv.base)).filter((d) => d.kind === "event");
    expect(log.map((d) => `${d.stream}/${d.seq}`).sort()).toEqual(["1/0", "1/1", "1/2", "3/0"]);
  });

  it("[HTTP-5] [HS-4] a batch with no messages reports the server's custody of Hello.pending (what a WebSocket put there)", async () => {
    const srv = await server();
    const s = script("app-server-first-flight");
    const outbox = outboxOf(s);
    const leg = new ServerLeg({ url: srv.url, source: outbox, deviceId: s.hello.deviceId, credential: CREDENTIAL });
    cleanup.push(() => leg.stop());
    leg.start();
    await waitFor("acknowledged over WebSocket", () => outbox.isEmpty);
    const ack = await batchLeg(srv, s.hello.deviceId).post([], s.hello.pending);
    expect([...ack.streams].sort((p, q) => p.stream - q.stream)).toEqual([...step(s, "ack").ack.streams].sort((p, q) => p.stream - q.stream));
  });

  it("[CMD-12] commands_pending counts unsettled commands; the app opens a WebSocket for them", async () => {
    const srv = await server();
    const deviceId = Uint8Array.from([0xc0, 0xde]);
    const id = await enqueueCommand(srv.base, hexOf(deviceId), new Uint8Array([7]));
    const http = batchLeg(srv, deviceId, { format: "json" });
    expect((await http.post([], [])).commandsPending).toBe(1);
    const taken: bigint[] = [];
    const leg = new ServerLeg({ url: srv.url, source: new MemoryOutbox(), deviceId, credential: CREDENTIAL, onCommand: (c) => void taken.push(c.id) });
    cleanup.push(() => leg.stop());
    leg.start();
    await waitFor("the command pushed over WebSocket", () => taken.includes(id));
    await waitFor("RECEIVED recorded", async () => (await commandOutcome(srv.base, hexOf(deviceId), id)).outcome === "received");
    // RECEIVED, HOP does not settle it [CMD-13]; the device's outcome, relayed, does.
    expect((await http.post([], [])).commandsPending).toBe(1);
    const posted = await http.post([{ type: "commandAck", commandAck: { ids: [id], outcome: "executed", scope: "end-to-end" } }], []);
    expect(posted.commandsPending).toBe(0);
    expect(await commandOutcome(srv.base, hexOf(deviceId), id)).toMatchObject({ outcome: "executed" });
  });

  it("[HTTP-10] [HTTP-13] a refused batch (AUTH_FAILED, 401) stores nothing and leaves custody with the app", async () => {
    const srv = await server();
    const outbox = new MemoryOutbox();
    outbox.add({ stream: 1, epoch: 3 }, "bulk", 0n, new Uint8Array([1]));
    const err = await new HttpBatchLeg({ baseUrl: srv.base, deviceId: Uint8Array.from([1]), credential: new Uint8Array([0x78]) })
      .drain(outbox)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BatchRefused);
    expect(err).toMatchObject({ status: 401, errorName: "AUTH_FAILED", retryable: false });
    expect(outbox.size).toBe(1);
    expect(await pullAll(srv.base)).toEqual([]);
  });
});
