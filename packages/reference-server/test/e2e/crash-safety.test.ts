/**
 * Crash safety [ACK-1] [ACK-2]: several clients stream while the server is
 * killed with SIGKILL at seeded random points and restarted on the same
 * SQLite file and port. After each restart, everything a client saw
 * acknowledged before the kill is in the server's custody; at the end every
 * produced event was acknowledged, and the pull API delivers each exactly
 * once, in order. FERRY_SEED replays the kill points and the workload (the
 * processes' timing still varies, the checks do not depend on it).
 */
import { afterEach, describe, expect, it } from "vitest";
import { ServerLeg, type LegEnd } from "@ferry/reference-client";
import { CREDENTIAL, custodyCovers, custodyOf, hexOf, prng, pullAll, SEED, startServer, tempDir, waitFor, type ServerProcess } from "./harness.js";
import { auditDeliveries, Producer, ranges, RecordingOutbox } from "./ledger.js";

const CLIENTS = 6;
const EVENTS_PER_CLIENT = 5000;
const KILLS = 4;
const EPOCH = 0x5eed;
const BULK = { stream: 1, epoch: EPOCH };
const ALARM = { stream: 9, epoch: EPOCH };

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

interface Client {
  producer: Producer;
  leg: ServerLeg;
  ends: LegEnd[];
}

describe("crash safety, end to end", () => {
  it("[ACK-1] [ACK-2] [HS-14] SIGKILL at seeded points while clients stream: nothing acknowledged is lost, nothing doubled", { timeout: 110_000 }, async () => {
    const rand = prng(SEED);
    console.log(`crash-safety seed ${SEED} (replay with FERRY_SEED=${SEED})`);
    const db = `${tempDir(cleanup)}/ferry.db`;
    let srv: ServerProcess = await startServer({ db });
    cleanup.push(() => srv.kill("SIGKILL"));
    const port = srv.port;

    const clients: Client[] = Array.from({ length: CLIENTS }, (_, i) => {
      const deviceId = Uint8Array.from([0xc4, 0x54, i]);
      const producer = new Producer(deviceId, new RecordingOutbox());
      const ends: LegEnd[] = [];
      const leg = new ServerLeg({ url: srv.url, source: producer.outbox, deviceId, credential: CREDENTIAL, onEnd: (e) => ends.push(e) });
      cleanup.push(() => leg.stop());
      return { producer, leg, ends };
    });
    const produced = () => clients.reduce((n, c) => n + c.producer.total, 0);
    const acked = () => clients.reduce((n, c) => n + [...c.producer.outbox.acked.values()].reduce((m, s) => m + s.size, 0), 0);
    const held = () => clients.reduce((n, c) => n + c.producer.outbox.size, 0);

    // The workload: every 10 ms each client produces a seeded burst (about 450 events/s, so the stream outlasts the kills); now and then an alarm (critical).
    const quota = CLIENTS * EVENTS_PER_CLIENT;
    const timer = setInterval(() => {
      for (const c of clients) {
        if (c.producer.total >= EVENTS_PER_CLIENT) continue;
        const burst = Math.min(1 + Math.floor(rand() * 8), EVENTS_PER_CLIENT - c.producer.total);
        if (rand() < 0.05) c.producer.produce(ALARM, "critical", 1);
        else c.producer.produce(BULK, "bulk", burst);
        c.leg.flush();
      }
    }, 10);
    cleanup.push(() => clearInterval(timer));
    clients.forEach((c) => c.leg.start());

    // Kill points: seeded fractions of the workload acknowledged, each once every client has a session again.
    const started = performance.now();
    const points = Array.from({ length: KILLS }, () => 0.1 + rand() * 0.8).sort((a, b) => a - b);
    for (const [k, fraction] of points.entries()) {
      const threshold = Math.floor(fraction * quota * 0.9);
      await waitFor(`every client in session before kill ${k + 1}`, () => clients.every((c) => c.leg.stats.welcomes > k && c.leg.connected), {
        timeoutMs: 60_000,
        describe: () => clients.map((c) => `${hexOf(c.producer.deviceId)}: ${c.leg.stats.welcomes} sessions, last end ${c.ends.at(-1)?.closeCode}`).join("; "),
      });
      await waitFor(`${threshold} events acknowledged before kill ${k + 1}`, () => acked() >= threshold, { timeoutMs: 60_000, describe: () => `${acked()} acked, ${produced()} produced` });
      await new Promise((r) => setTimeout(r, Math.floor(rand() * 30)));
      await srv.kill("SIGKILL");
      // Every ack a client received came from a commit; snapshot them now that no more can come.
      const before = clients.map((c) => new Map([...c.producer.outbox.acked].map(([key, s]) => [key, new Set(s)])));
      console.log(`kill ${k + 1}/${KILLS} at ${(fraction * 100).toFixed(1)}%: ${acked()} acknowledged, ${produced()} produced, ${held()} held by clients`);
      srv = await startServer({ db, port });
      // [ACK-2] durability: the restarted server holds all of it (clients never resend what they freed).
      for (const [i, c] of clients.entries()) {
        const custody = await custodyOf(srv.base, hexOf(c.producer.deviceId), [BULK, ALARM]);
        for (const report of custody) {
          const seqs = before[i]!.get(`${report.stream}/${report.epoch}`) ?? new Set<bigint>();
          const lost = [...seqs].filter((s) => !custodyCovers(report, s));
          expect(lost, `device ${hexOf(c.producer.deviceId)} stream ${report.stream}: acknowledged before kill ${k + 1}, missing after restart: ${ranges(lost)}`).toEqual([]);
        }
      }
    }

    await waitFor("every client in session after the last kill", () => clients.every((c) => c.leg.stats.welcomes > KILLS), { timeoutMs: 60_000 });
    await waitFor("the workload produced", () => produced() >= quota, { timeoutMs: 60_000, describe: () => `${produced()} of ${quota}` });
    await waitFor("every produced event acknowledged", () => held() === 0, { timeoutMs: 60_000, describe: () => `${held()} still held: ${clients.map((c) => `${hexOf(c.producer.deviceId)}:${c.producer.outbox.size}`).join(" ")}` });
    const problems = auditDeliveries(await pullAll(srv.base), clients.map((c) => c.producer));
    expect(problems, problems.join("\n")).toEqual([]);
    const welcomes = clients.map((c) => c.leg.stats);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`crash-safety: ${produced()} events from ${CLIENTS} clients, ${KILLS} kills, ${seconds} s; sessions per client ${welcomes.map((w) => `${w.welcomes} (${w.resumed} resumed)`).join(", ")}`);
    // Every client lived through every kill: a session after each.
    for (const w of welcomes) expect(w.welcomes).toBeGreaterThanOrEqual(KILLS + 1);
  });
});
