/**
 * Resume drain: an app wakes holding N buffered 16-byte samples (N = 3,600
 * is an hour at 1 Hz) and empties its outbox into the server. Timed from the
 * moment the app opens the connection (TCP, WebSocket upgrade, Hello with
 * its resume token and the first flight [HS-10]) to the server's
 * acknowledgement of the last event; that is end to end for the server leg.
 *
 * - WebSocket: each run uses a fresh device that had one earlier session
 *   (so the Hello resumes [HS-8] and the server holds custody of the
 *   stream), then reconnects with N events in its outbox. Round trips are
 *   counted by RoundTripCounter (after the upgrade).
 * - HTTP batch: HttpBatchLeg.drain posts batches of up to max_message
 *   (1 MiB) on one new connection; each POST is one round trip [HTTP-1].
 *
 * The app's outbox is the in-memory one of @ferry/reference-client (the
 * disk outbox of issue 4 is not measured here); the server is the real one
 * on SQLite, in its own process.
 */
import { HttpBatchLeg, MemoryOutbox } from "@ferry/reference-client";
import { nowMs, repeat, summarize, type Stat } from "../stats.js";
import { freshDeviceId, openSession, samplePayload } from "./app-session.js";
import { agentFetch } from "./http-agent.js";
import { RoundTripCounter } from "./round-trips.js";
import { CREDENTIAL, ServerProcess } from "./server-process.js";

export const DRAIN_KEY = { stream: 1, epoch: 0x5a17c0de };
/** Round trips before Ferry's first byte: TCP connect, then for WebSocket the HTTP upgrade (no TLS on loopback). */
export const SETUP_ROUND_TRIPS = { websocket: 2, "http-batch": 1 } as const;

export type DrainBinding = keyof typeof SETUP_ROUND_TRIPS;

export interface DrainFigure {
  binding: DrainBinding;
  events: number;
  /** Wall time from opening the connection to the last acknowledgement. */
  wallMs: Stat;
  /** Ferry round trips (after connection setup): the longest send-then-wait chain. */
  roundTrips: Stat;
  setupRoundTrips: number;
  /** WebSocket: every measured session resumed (Welcome.resumed). */
  resumed?: boolean;
}

export interface DrainSection {
  /** Unrecorded runs before each figure's runs. */
  warmupRuns: number;
  figures: DrainFigure[];
}

export interface DrainOptions {
  sizes: number[];
  runs: number;
  warmup: number;
}

interface RunResult {
  ms: number;
  roundTrips: number;
  resumed?: boolean;
}

function filledOutbox(n: number, firstSeq: bigint): MemoryOutbox {
  const outbox = new MemoryOutbox();
  for (let i = 0; i < n; i++) outbox.add(DRAIN_KEY, "bulk", firstSeq + BigInt(i), samplePayload(i));
  return outbox;
}

async function websocketRun(server: ServerProcess, n: number): Promise<RunResult> {
  const deviceId = freshDeviceId();
  // The earlier session: one event, and the resume token the app keeps [HS-5].
  const earlier = filledOutbox(1, 0n);
  const first = openSession({ url: server.url, deviceId, source: earlier, isEmpty: () => earlier.isEmpty });
  const token = (await first.welcome).resumeToken;
  await first.empty();
  await first.close();

  const outbox = filledOutbox(n, 1n);
  const counter = new RoundTripCounter(outbox);
  const t0 = nowMs();
  const s = openSession({ url: server.url, deviceId, source: counter, isEmpty: () => outbox.isEmpty, resumeToken: token, onWelcome: () => counter.welcomed() });
  await s.empty();
  const ms = nowMs() - t0;
  const welcome = await s.welcome;
  await s.close();
  return { ms, roundTrips: counter.roundTrips, resumed: welcome.resumed };
}

async function httpRun(server: ServerProcess, n: number): Promise<RunResult> {
  const outbox = filledOutbox(n, 0n);
  const agent = agentFetch();
  try {
    const leg = new HttpBatchLeg({ baseUrl: server.httpUrl, deviceId: freshDeviceId(), credential: CREDENTIAL, fetch: agent.fetch });
    const t0 = nowMs();
    const r = await leg.drain(outbox);
    const ms = nowMs() - t0;
    if (r.leftover || r.eventsAcked !== n) throw new Error(`HTTP drain acknowledged ${r.eventsAcked} of ${n} events (leftover: ${r.leftover})`);
    return { ms, roundTrips: r.batches };
  } finally {
    agent.close();
  }
}

export async function benchDrain(o: DrainOptions): Promise<DrainSection> {
  const figures: DrainFigure[] = [];
  const server = await ServerProcess.start();
  try {
    for (const binding of ["websocket", "http-batch"] as const) {
      for (const n of o.sizes) {
        const results: RunResult[] = [];
        await repeat(
          o.runs,
          async (run) => {
            const r = binding === "websocket" ? await websocketRun(server, n) : await httpRun(server, n);
            if (run >= 0) results.push(r);
            return r.ms;
          },
          o.warmup,
        );
        figures.push({
          binding,
          events: n,
          wallMs: summarize(results.map((r) => r.ms), "ms"),
          roundTrips: summarize(results.map((r) => r.roundTrips), "round trips"),
          setupRoundTrips: SETUP_ROUND_TRIPS[binding],
          ...(binding === "websocket" && { resumed: results.every((r) => r.resumed === true) }),
        });
      }
    }
  } finally {
    await server.close();
  }
  return { warmupRuns: o.warmup, figures };
}
