/**
 * Resume storm [HS-8] [HS-15] [WS-10]: 500 WebSocket clients on loopback,
 * one process and one event loop, hold sessions with a ferry-server; the
 * server restarts (SIGTERM: every socket closes with 1001) on the same file
 * and port; all 500 come back at once under the full-jitter backoff and
 * resume (the resume key lives beside the database), and everything they
 * produced before, during and after is delivered exactly once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ServerLeg } from "@ferry/reference-client";
import { CREDENTIAL, hexOf, prng, pullAll, SEED, startServer, tempDir, waitFor, type ServerProcess } from "./harness.js";
import { auditDeliveries, Producer, RecordingOutbox } from "./ledger.js";

const CLIENTS = 500;
const KEY = { stream: 1, epoch: 0x570 };

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe("resume storm, end to end", () => {
  it(`[HS-8] [HS-15] [WS-10] ${CLIENTS} clients resume at once after a server restart; nothing lost or doubled`, { timeout: 110_000 }, async () => {
    const rand = prng(SEED);
    console.log(`resume-storm seed ${SEED} (replay with FERRY_SEED=${SEED})`);
    const db = `${tempDir(cleanup)}/ferry.db`;
    let srv: ServerProcess = await startServer({ db });
    cleanup.push(() => srv.kill("SIGKILL"));

    const clients = Array.from({ length: CLIENTS }, (_, i) => {
      const deviceId = Uint8Array.from([0x57, i >> 8, i & 0xff]);
      const producer = new Producer(deviceId, new RecordingOutbox());
      const leg = new ServerLeg({ url: srv.url, source: producer.outbox, deviceId, credential: CREDENTIAL, random: rand });
      cleanup.push(() => leg.stop());
      return { producer, leg };
    });
    const notYet = (pred: (c: (typeof clients)[number]) => boolean) => clients.filter((c) => !pred(c)).map((c) => hexOf(c.producer.deviceId));
    const summary = (ids: string[]) => `${ids.length} clients: ${ids.slice(0, 10).join(", ")}${ids.length > 10 ? ", ..." : ""}`;

    for (const c of clients) c.producer.produce(KEY, "bulk", 5);
    let t = performance.now();
    clients.forEach((c) => c.leg.start());
    await waitFor(`${CLIENTS} sessions open and drained`, () => clients.every((c) => c.leg.connected && c.producer.outbox.isEmpty), {
      timeoutMs: 60_000,
      describe: () => summary(notYet((c) => c.leg.connected && c.producer.outbox.isEmpty)),
    });
    const connectMs = performance.now() - t;

    // The restart: 1001 to every socket, then the same file and port. Clients produce meanwhile.
    await srv.kill("SIGTERM");
    for (const c of clients) c.producer.produce(KEY, "bulk", 3);
    const port = srv.port;
    srv = await startServer({ db, port });
    t = performance.now();
    for (const c of clients) {
      c.producer.produce(KEY, "bulk", 2);
      c.leg.flush();
    }
    await waitFor(`${CLIENTS} sessions resumed and drained`, () => clients.every((c) => c.leg.stats.welcomes === 2 && c.leg.connected && c.producer.outbox.isEmpty), {
      timeoutMs: 60_000,
      describe: () => summary(notYet((c) => c.leg.stats.welcomes === 2 && c.leg.connected && c.producer.outbox.isEmpty)),
    });
    const stormMs = performance.now() - t;

    const refused = notYet((c) => c.leg.lastOutcome?.resumed === true);
    expect(refused, `sessions not resumed after the restart: ${summary(refused)}`).toEqual([]);
    const problems = auditDeliveries(await pullAll(srv.base), clients.map((c) => c.producer));
    expect(problems, problems.join("\n")).toEqual([]);
    const attempts = clients.map((c) => c.leg.stats.attempts - 1);
    console.log(
      `resume-storm: ${CLIENTS} clients connected in ${connectMs.toFixed(0)} ms; after the restart all resumed and drained in ${stormMs.toFixed(0)} ms ` +
        `(attempts per client after the first: max ${Math.max(...attempts)}, mean ${(attempts.reduce((a, b) => a + b, 0) / CLIENTS).toFixed(2)}); ` +
        `${CLIENTS * 10} events delivered once; client process rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
    );
  });
});
