import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { cloudEventId } from "../../src/webhook/cloudevent.js";
import { MemoryCursorStore } from "../../src/webhook/cursor-store.js";
import { WebhookDispatcher, type WebhookDispatcherOptions } from "../../src/webhook/dispatcher.js";
import { verifyWebhookSignature } from "../../src/webhook/signature.js";
import type { WebhookRequest, WebhookResponse } from "../../src/webhook/transport.js";
import { MemoryDeliveryLog, sampleLog } from "./memory-log.js";
import { VirtualClock, drive, settle } from "./virtual-clock.js";

const SECRET = "unit-secret";
const TIMEOUT = 7000;
const DEVICE = Uint8Array.of(0xd1);

interface Seen extends WebhookRequest {
  at: number;
}

type Respond = (req: WebhookRequest, n: number) => Promise<WebhookResponse> | WebhookResponse;

function harness(log: MemoryDeliveryLog, respond: Respond, options: Partial<WebhookDispatcherOptions> = {}) {
  const clock = new VirtualClock();
  const cursor = new MemoryCursorStore();
  const lines: string[] = [];
  const seen: Seen[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const dispatcher = new WebhookDispatcher({
    url: "http://receiver.test/hook",
    secrets: SECRET,
    source: log,
    cursor,
    clock,
    random: () => 0.5,
    timeoutMs: TIMEOUT,
    pollIntervalMs: 3_600_000,
    logger: createLogger("debug", (l) => lines.push(l)),
    transport: async (req) => {
      seen.push({ ...req, at: clock.now });
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        return await respond(req, seen.length);
      } finally {
        inFlight--;
      }
    },
    ...options,
  });
  const reachedEnd = () => dispatcher.status().cursor === log.lastPosition && log.entries.length > 0;
  return { clock, cursor, lines, seen, dispatcher, reachedEnd, maxInFlight: () => maxInFlight };
}

/** A request that never gets an answer: it ends only when its signal aborts. */
const hang = (req: WebhookRequest) =>
  new Promise<WebhookResponse>((_, reject) => req.signal.addEventListener("abort", () => reject(req.signal.reason), { once: true }));

const ok: Respond = () => ({ status: 204 });
const ids = (seen: Seen[]) => seen.map((s) => (JSON.parse(s.body) as { id: string }).id);

describe("WebhookDispatcher", () => {
  it("[LIFE-12] [ACK-12] [CONF-5] posts the log in order, one request in flight, and saves the cursor after each 2xx", async () => {
    const log = sampleLog(1, 40);
    const h = harness(log, ok);
    await h.dispatcher.start();
    await drive(h.clock, h.reachedEnd);
    await h.dispatcher.stop();

    expect(h.maxInFlight()).toBe(1);
    expect(h.seen).toHaveLength(40);
    expect(h.cursor.saved).toEqual(log.entries.map((e) => e.position));
    const expectedIds = log.entries.map((e) =>
      e.kind === "event" ? cloudEventId(e.deviceId, e.epoch, e.stream, e.seq) : cloudEventId(e.deviceId, e.epoch, e.stream, e.first, e.last),
    );
    expect(ids(h.seen)).toEqual(expectedIds);
    h.seen.forEach((req) => {
      const event = JSON.parse(req.body) as { id: string; specversion: string };
      expect(event.specversion).toBe("1.0");
      expect(req.headers["Content-Type"]).toBe("application/cloudevents+json; charset=utf-8");
      expect(req.headers["Idempotency-Key"]).toBe(event.id);
      expect(req.headers["Ferry-Delivery-Attempt"]).toBe("1");
      expect(req.headers["Ferry-Signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(SECRET, req.headers["Ferry-Signature"], req.body, Math.floor(h.clock.now / 1000), 0)).toBe(true);
    });
  });

  it("[LIFE-12] retries a failing receiver with full-jitter backoff and moves the cursor only after the 2xx", async () => {
    const log = new MemoryDeliveryLog();
    log.event(DEVICE, 1, 1, 0n);
    log.event(DEVICE, 1, 1, 1n);
    const h = harness(log, (_req, n) => ({ status: n <= 6 ? 503 : 200 }), { backoff: { baseMs: 500, capMs: 4000 } });
    await h.dispatcher.start();
    await drive(h.clock, () => h.seen.length === 6);
    expect(h.cursor.saved).toEqual([]);
    expect(h.dispatcher.status()).toMatchObject({ failures: 6, cursor: 0n, lastError: "HTTP 503" });
    await drive(h.clock, h.reachedEnd);
    await h.dispatcher.stop();

    // random() = 0.5, so each delay is half its ceiling: 500, 1000, 2000, 4000 (cap), 4000, 4000.
    const gaps = h.seen.slice(1, 7).map((s, i) => s.at - h.seen[i]!.at);
    expect(gaps).toEqual([250, 500, 1000, 2000, 2000, 2000]);
    expect(ids(h.seen)).toEqual([...Array(7).fill("d1/1/1/0"), "d1/1/1/1"]);
    expect(new Set(h.seen.slice(0, 7).map((s) => s.body)).size).toBe(1);
    expect(h.seen.slice(0, 7).map((s) => s.headers["Ferry-Delivery-Attempt"])).toEqual(["1", "2", "3", "4", "5", "6", "7"]);
    expect(h.cursor.saved).toEqual(log.entries.map((e) => e.position));
    expect(h.dispatcher.status().failures).toBe(0);
  });

  it("[LIFE-12] keeps retrying a receiver that refuses with 4xx, logging it as an error, and skips nothing", async () => {
    const log = new MemoryDeliveryLog();
    log.event(DEVICE, 1, 1, 0n);
    const statuses = [400, 401, 404, 410, 422, 301];
    const h = harness(log, (_req, n) => ({ status: statuses[n - 1] ?? 200, bodySnippet: "no such hook" }));
    await h.dispatcher.start();
    await drive(h.clock, h.reachedEnd);
    await h.dispatcher.stop();
    expect(h.seen).toHaveLength(7);
    expect(h.lines.filter((l) => l.includes("error") && l.includes("refuses")).length).toBeGreaterThan(0);
    expect(h.lines.some((l) => l.includes("HTTP 400: no such hook"))).toBe(true);
  });

  it("[LIFE-12] logs a long outage at attempts 1, 2, 4, 8, ... only", async () => {
    const log = new MemoryDeliveryLog();
    log.event(DEVICE, 1, 1, 0n);
    const h = harness(log, (_req, n) => ({ status: n <= 20 ? 500 : 200 }), { logger: createLogger("info", (l) => lines.push(l)) });
    const lines: string[] = [];
    await h.dispatcher.start();
    await drive(h.clock, h.reachedEnd);
    await h.dispatcher.stop();
    expect(lines.filter((l) => l.includes("attempt failed")).length).toBe(5);
    expect(lines.filter((l) => l.includes("delivered after retries")).length).toBe(1);
  });

  it("[LIFE-12] aborts an attempt after the timeout and retries it", async () => {
    const log = new MemoryDeliveryLog();
    log.event(DEVICE, 1, 1, 0n);
    const h = harness(log, (req, n) => (n <= 2 ? hang(req) : { status: 200 }));
    await h.dispatcher.start();
    await drive(h.clock, h.reachedEnd);
    await h.dispatcher.stop();
    expect(h.seen).toHaveLength(3);
    expect(h.seen[0]!.signal.aborted).toBe(true);
    expect(h.seen[1]!.at - h.seen[0]!.at).toBe(TIMEOUT + 250);
    expect(h.seen[2]!.at - h.seen[1]!.at).toBe(TIMEOUT + 500);
    expect(h.dispatcher.status().lastError).toBeUndefined();
  });

  it("times out a transport that ignores its abort signal", async () => {
    const log = new MemoryDeliveryLog();
    log.event(DEVICE, 1, 1, 0n);
    const h = harness(log, (_req, n) => (n === 1 ? new Promise<WebhookResponse>(() => {}) : { status: 200 }));
    await h.dispatcher.start();
    await drive(h.clock, h.reachedEnd);
    await h.dispatcher.stop();
    expect(h.seen).toHaveLength(2);
  });

  it("treats a connection error as a failure to retry", async () => {
    const log = new MemoryDeliveryLog();
    log.event(DEVICE, 1, 1, 0n);
    const h = harness(log, (_req, n) => (n === 1 ? Promise.reject(new TypeError("fetch failed", { cause: new Error("ECONNREFUSED") })) : { status: 200 }));
    await h.dispatcher.start();
    await drive(h.clock, () => h.seen.length === 1);
    expect(h.dispatcher.status().lastError).toBe("fetch failed: ECONNREFUSED");
    await drive(h.clock, h.reachedEnd);
    await h.dispatcher.stop();
  });

  it("waits at least the receiver's Retry-After, within the cap", async () => {
    const log = new MemoryDeliveryLog();
    log.event(DEVICE, 1, 1, 0n);
    const h = harness(log, (_req, n) => (n === 1 ? { status: 429, retryAfter: "3" } : { status: 200 }));
    await h.dispatcher.start();
    await drive(h.clock, h.reachedEnd);
    await h.dispatcher.stop();
    expect(h.seen[1]!.at - h.seen[0]!.at).toBe(3000);
  });

  it("[LIFE-12] sends JSON batches in log order when batchSize is set, cursor at each batch's last entry", async () => {
    const log = sampleLog(2, 10);
    const h = harness(log, ok, { batchSize: 4 });
    await h.dispatcher.start();
    await drive(h.clock, h.reachedEnd);
    await h.dispatcher.stop();
    const batches = h.seen.map((s) => JSON.parse(s.body) as Array<{ id: string }>);
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(h.seen.every((s) => s.headers["Content-Type"] === "application/cloudevents-batch+json; charset=utf-8")).toBe(true);
    expect(h.seen.every((s) => s.headers["Idempotency-Key"] === undefined)).toBe(true);
    const positions = log.entries.map((e) => e.position);
    expect(h.cursor.saved).toEqual([positions[3], positions[7], positions[9]]);
  });

  it("keeps a batch under maxBatchBytes, except a single event larger than the limit", async () => {
    const log = sampleLog(3, 6);
    const h = harness(log, ok, { batchSize: 100, maxBatchBytes: 700 });
    await h.dispatcher.start();
    await drive(h.clock, h.reachedEnd);
    await h.dispatcher.stop();
    expect(h.seen.length).toBeGreaterThan(1);
    expect(h.seen.every((s) => Buffer.byteLength(s.body) <= 700)).toBe(true);
    expect(h.seen.flatMap((s) => JSON.parse(s.body) as unknown[]).length).toBe(6);

    const tiny = harness(sampleLog(3, 3), ok, { batchSize: 100, maxBatchBytes: 10 });
    await tiny.dispatcher.start();
    await drive(tiny.clock, tiny.reachedEnd);
    await tiny.dispatcher.stop();
    expect(tiny.seen.map((s) => (JSON.parse(s.body) as unknown[]).length)).toEqual([1, 1, 1]);
  });

  it("[PRIO-6] sends an event that expired during retries as an EXPIRED accounting under the same id", async () => {
    const log = new MemoryDeliveryLog();
    const clockStart = new VirtualClock().now;
    log.event(DEVICE, 1, 1, 0n, { priority: "realtime", receivedAtMs: clockStart, expiresAtMs: clockStart + 500 });
    // Attempts at +0, +250, +750, +1750 (backoff 250, 500, 1000): the deadline falls between the 2nd and 3rd.
    const h = harness(log, (_req, n) => ({ status: n <= 3 ? 500 : 200 }));
    await h.dispatcher.start();
    await drive(h.clock, h.reachedEnd);
    await h.dispatcher.stop();
    const events = h.seen.map((s) => JSON.parse(s.body) as { id: string; type: string });
    expect(events.map((e) => e.type)).toEqual(["dev.ferry.event", "dev.ferry.event", "dev.ferry.accounted", "dev.ferry.accounted"]);
    expect(new Set(events.map((e) => e.id))).toEqual(new Set(["d1/1/1/0"]));
  });

  it("[LIFE-12] stop() during a backoff keeps the cursor; the next start resends the same entry", async () => {
    const log = new MemoryDeliveryLog();
    log.event(DEVICE, 1, 1, 0n);
    log.event(DEVICE, 1, 1, 1n);
    let up = false;
    const h = harness(log, () => ({ status: up ? 200 : 500 }));
    await h.dispatcher.start();
    await drive(h.clock, () => h.seen.length === 2);
    await h.dispatcher.stop();
    expect(h.dispatcher.status()).toMatchObject({ running: false, cursor: 0n });
    expect(h.cursor.saved).toEqual([]);
    up = true;
    await h.dispatcher.start();
    await drive(h.clock, h.reachedEnd);
    await h.dispatcher.stop();
    expect(ids(h.seen)).toEqual(["d1/1/1/0", "d1/1/1/0", "d1/1/1/0", "d1/1/1/1"]);
  });

  it("[LIFE-12] stop() waits for the request in flight and keeps the confirmation it brings", async () => {
    const log = new MemoryDeliveryLog();
    log.event(DEVICE, 1, 1, 0n);
    log.event(DEVICE, 1, 1, 1n);
    let answer: ((r: WebhookResponse) => void) | undefined;
    const h = harness(log, () => new Promise<WebhookResponse>((resolve) => (answer = resolve)));
    await h.dispatcher.start();
    await drive(h.clock, () => answer !== undefined);
    let stopped = false;
    const stopping = h.dispatcher.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    answer!({ status: 200 });
    await stopping;
    expect(h.cursor.saved).toEqual([log.entries[0]!.position]);
    expect(h.seen).toHaveLength(1);
  });

  it("[LIFE-12] stop({ abortInFlight }) aborts the request; the entry is sent again after restart", async () => {
    const log = new MemoryDeliveryLog();
    log.event(DEVICE, 1, 1, 0n);
    let n = 0;
    const h = harness(log, (req) => (++n === 1 ? hang(req) : { status: 200 }));
    await h.dispatcher.start();
    await drive(h.clock, () => h.seen.length === 1);
    await h.dispatcher.stop({ abortInFlight: true });
    expect(h.seen[0]!.signal.aborted).toBe(true);
    expect(h.cursor.saved).toEqual([]);
    await h.dispatcher.start();
    await drive(h.clock, h.reachedEnd);
    await h.dispatcher.stop();
    expect(ids(h.seen)).toEqual(["d1/1/1/0", "d1/1/1/0"]);
    expect(h.seen[1]!.headers["Idempotency-Key"]).toBe("d1/1/1/0");
  });

  it("resumes after the saved cursor (a restart), following positions, not counts", async () => {
    const log = sampleLog(4, 8);
    const h = harness(log, ok, { cursor: new MemoryCursorStore(log.entries[4]!.position) });
    await h.dispatcher.start();
    await drive(h.clock, h.reachedEnd);
    await h.dispatcher.stop();
    expect(h.seen).toHaveLength(3);
  });

  it("sleeps when caught up and wakes at once on notify()", async () => {
    const log = new MemoryDeliveryLog();
    log.event(DEVICE, 1, 1, 0n);
    const h = harness(log, ok);
    await h.dispatcher.start();
    expect(await h.dispatcher.caughtUp()).toBe(log.entries[0]!.position);
    const before = h.clock.now;
    log.event(DEVICE, 1, 1, 1n);
    h.dispatcher.notify();
    await h.dispatcher.caughtUp();
    expect(h.clock.now).toBe(before);
    expect(h.seen).toHaveLength(2);
    await h.dispatcher.stop();
  });

  it("polls the log when nobody notifies", async () => {
    const log = new MemoryDeliveryLog();
    const h = harness(log, ok, { pollIntervalMs: 1000 });
    await h.dispatcher.start();
    await settle();
    log.event(DEVICE, 1, 1, 0n);
    await drive(h.clock, h.reachedEnd);
    await h.dispatcher.stop();
    expect(h.seen[0]!.at - new VirtualClock().now).toBe(1000);
  });

  it("retries reading the log and saving the cursor when the store fails", async () => {
    const log = new MemoryDeliveryLog();
    log.event(DEVICE, 1, 1, 0n);
    log.failReads = 2;
    const cursor = new MemoryCursorStore();
    let saveFailures = 2;
    const flaky = {
      load: () => cursor.load(),
      save: async (c: bigint) => {
        if (saveFailures-- > 0) throw new Error("disk full");
        await cursor.save(c);
      },
    };
    const h = harness(log, ok, { cursor: flaky });
    await h.dispatcher.start();
    await drive(h.clock, () => cursor.saved.length === 1);
    await h.dispatcher.stop();
    expect(cursor.saved).toEqual([log.entries[0]!.position]);
    expect(h.seen).toHaveLength(1);
    expect(h.lines.filter((l) => l.includes("cannot read")).length).toBe(2);
    expect(h.lines.filter((l) => l.includes("cannot save")).length).toBe(2);
  });

  it("refuses a bad configuration", () => {
    const base = { url: "http://x.test/", secrets: "s", source: new MemoryDeliveryLog(), cursor: new MemoryCursorStore() };
    expect(() => new WebhookDispatcher({ ...base, url: "ftp://x.test/" })).toThrow();
    expect(() => new WebhookDispatcher({ ...base, url: "not a url" })).toThrow();
    expect(() => new WebhookDispatcher({ ...base, url: "https://user:pw@x.test/" })).toThrow(/credentials/);
    expect(() => new WebhookDispatcher({ ...base, secrets: [] })).toThrow();
    expect(() => new WebhookDispatcher({ ...base, secrets: "" })).toThrow();
    expect(() => new WebhookDispatcher({ ...base, batchSize: 0 })).toThrow();
  });
});
