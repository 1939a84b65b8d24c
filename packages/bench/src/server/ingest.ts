/**
 * Server ingest: durable events per second with 1, 10 and 100 concurrent
 * app clients, each a WebSocket session of the reference client, against
 * the plain-insert ceiling of plain-insert.ts measured in the same run.
 *
 * Each run connects the clients first (their Welcomes are not timed), then
 * gives each client its share of the events at once and times until the
 * server has acknowledged them all; the server acknowledges only what it
 * committed [ACK-2], so every acknowledged event is durable. The server's
 * commit count over the run gives the events per transaction, and the
 * ceiling inserts the same number of rows in transactions of that size.
 */
import { MemoryOutbox } from "@ferry/reference-client";
import { nowMs, pairedRatios, summarize, type Stat } from "../stats.js";
import { freshDeviceId, openSession, samplePayload } from "./app-session.js";
import { plainInsert } from "./plain-insert.js";
import { ServerProcess } from "./server-process.js";

const KEY = { stream: 1, epoch: 0x5a17c0de };

export interface IngestFigure {
  clients: number;
  events: number;
  /** Durable events per second through the reference server. */
  rate: Stat;
  /** Events per ingest transaction (group commit). */
  eventsPerCommit: Stat;
  /** Plain batched inserts, same file settings, same transaction size, same run. */
  ceiling: Stat;
  /** rate / ceiling, per run. */
  ratio: Stat;
}

export interface IngestSection {
  /** Unrecorded runs before each figure's runs. */
  warmupRuns: number;
  figures: IngestFigure[];
}

export interface IngestOptions {
  clients: number[];
  /** Events per run, shared among the clients. */
  events: number;
  runs: number;
  warmup: number;
}

async function ingestRun(server: ServerProcess, clients: number, perClient: number): Promise<{ rate: number; eventsPerCommit: number }> {
  const outboxes = Array.from({ length: clients }, () => new MemoryOutbox());
  const sessions = outboxes.map((outbox) => openSession({ url: server.url, deviceId: freshDeviceId(), source: outbox, isEmpty: () => outbox.isEmpty }));
  try {
    await Promise.all(sessions.map((s) => s.welcome));
    const commits0 = await server.commits();
    const t0 = nowMs();
    sessions.forEach((s, c) => {
      for (let i = 0; i < perClient; i++) outboxes[c]!.add(KEY, "bulk", BigInt(i), samplePayload(i));
      s.leg.flush();
    });
    await Promise.all(sessions.map((s) => s.empty()));
    const ms = nowMs() - t0;
    const commits = (await server.commits()) - commits0;
    const events = clients * perClient;
    return { rate: (events * 1000) / ms, eventsPerCommit: events / Math.max(commits, 1) };
  } finally {
    await Promise.all(sessions.map((s) => s.close()));
  }
}

export async function benchIngest(o: IngestOptions): Promise<IngestSection> {
  const figures: IngestFigure[] = [];
  for (const clients of o.clients) {
    const perClient = Math.max(1, Math.floor(o.events / clients));
    const events = perClient * clients;
    const server = await ServerProcess.start();
    try {
      const rates: number[] = [];
      const perCommit: number[] = [];
      const ceilings: number[] = [];
      for (let run = -o.warmup; run < o.runs; run++) {
        const r = await ingestRun(server, clients, perClient);
        // The ceiling runs right after, while the server is idle, with the transaction size it just used.
        const c = plainInsert(server.dir, events, r.eventsPerCommit, clients, samplePayload);
        if (run < 0) continue;
        rates.push(r.rate);
        perCommit.push(r.eventsPerCommit);
        ceilings.push(c.rate);
      }
      figures.push({
        clients,
        events,
        rate: summarize(rates, "events/s"),
        eventsPerCommit: summarize(perCommit, "events"),
        ceiling: summarize(ceilings, "events/s"),
        ratio: summarize(pairedRatios(rates, ceilings), "x"),
      });
    } finally {
      await server.close();
    }
  }
  return { warmupRuns: o.warmup, figures };
}
