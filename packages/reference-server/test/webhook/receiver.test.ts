/**
 * The webhook path end to end over real loopback HTTP (issue 3): a receiver
 * that fails, times out, loses answers and succeeds, a dispatcher on node's
 * fetch and the system clock, a file cursor, and a restart in the middle.
 * Whatever the interleaving, the receiver's deduplicated view holds every
 * log entry exactly once, in order per stream.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { type FerryCloudEvent, cloudEventId } from "../../src/webhook/cloudevent.js";
import { FileCursorStore } from "../../src/webhook/cursor-store.js";
import { WebhookDispatcher } from "../../src/webhook/dispatcher.js";
import { type MemoryDeliveryLog, sampleLog, seededRandom } from "./memory-log.js";
import { type Behaviour, type Receiver, startReceiver } from "./receiver.js";

const SECRET = "whsec-loopback";

/** Every misbehaviour early (three of them cost a 200 ms timeout), then seeded fast failures. */
function script(seed: number): (n: number) => Behaviour {
  const opening: Behaviour[] = ["ok", "fail", "ok", "hang", "ok", "process-then-drop", "ok", "process-then-hang", "refuse", "ok", "process-then-drop"];
  const random = seededRandom(seed);
  return (n) => {
    const scripted = opening[n - 1];
    if (scripted) return scripted;
    const x = random();
    return x < 0.7 ? "ok" : x < 0.85 ? "fail" : "process-then-drop";
  };
}

function expectedIds(log: MemoryDeliveryLog): string[] {
  return log.entries.map((e) =>
    e.kind === "event" ? cloudEventId(e.deviceId, e.epoch, e.stream, e.seq) : cloudEventId(e.deviceId, e.epoch, e.stream, e.first, e.last),
  );
}

/** Per (source, epoch, stream): sequence numbers strictly increase in the deduplicated view. */
function expectOrderPerStream(view: FerryCloudEvent[]): void {
  const next = new Map<string, bigint>();
  for (const e of view) {
    const key = `${e.source}/${e.ferryepoch}/${e.ferrystream}`;
    const first = BigInt(e.sequence);
    const last = e.type === "dev.ferry.accounted" ? BigInt(e.data.last) : first;
    expect(first, `${e.id} after ${next.get(key)}`).toBe(next.get(key) ?? 0n);
    next.set(key, last + 1n);
  }
}

async function deliverAll(receiver: Receiver, log: MemoryDeliveryLog, cursorPath: string, batchSize?: number): Promise<void> {
  const lines: string[] = [];
  const make = () =>
    new WebhookDispatcher({
      url: receiver.url,
      secrets: SECRET,
      source: log,
      cursor: new FileCursorStore(cursorPath),
      timeoutMs: 200,
      backoff: { baseMs: 5, capMs: 40 },
      random: seededRandom(11),
      pollIntervalMs: 20,
      logger: createLogger("debug", (l) => lines.push(l)),
      ...(batchSize !== undefined ? { batchSize } : {}),
    });
  // A first server process delivers part of the log and is stopped mid-request...
  const first = make();
  await first.start();
  while (receiver.view.length < log.entries.length / 2) await new Promise((r) => setTimeout(r, 5));
  await first.stop({ abortInFlight: true });
  // ...and a second one, on the same cursor file, finishes the job.
  const second = make();
  await second.start();
  const cursor = await second.caughtUp();
  await second.stop();
  expect(cursor).toBe(log.lastPosition);
  expect(await new FileCursorStore(cursorPath).load()).toBe(log.lastPosition);
}

describe("webhook delivery to a real receiver on loopback", () => {
  let dir: string;
  let receiver: Receiver | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-webhook-"));
  });
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it("[LIFE-12] [ACK-12] [CONF-4] [CONF-5] one CloudEvent per request: once per identity after dedup, in order per stream", async () => {
    const log = sampleLog(21, 60);
    receiver = await startReceiver(SECRET, script(5));
    await deliverAll(receiver, log, join(dir, "cursor"));

    expect(receiver.view.map((e) => e.id)).toEqual(expectedIds(log));
    expectOrderPerStream(receiver.view);
    expect(receiver.badSignatures).toBe(0);
    expect(receiver.keyMismatches).toBe(0);
    // The lost answers really did make the dispatcher send duplicates; dedup removed them.
    expect(receiver.raw.length).toBeGreaterThan(receiver.view.length);
    for (const b of ["fail", "refuse", "hang", "process-then-drop", "process-then-hang", "ok"] as const) expect(receiver.behaviours).toContain(b);
    const payloads = receiver.view.filter((e) => e.type === "dev.ferry.event").map((e) => Buffer.from(e.data_base64, "base64").toString());
    expect(payloads.every((p, i, all) => p.length > 0 && all.indexOf(p) === i)).toBe(true);
  });

  it("[LIFE-12] [ACK-12] [CONF-4] [CONF-5] batches of CloudEvents: once per identity after dedup, in order per stream", async () => {
    const log = sampleLog(22, 80);
    receiver = await startReceiver(SECRET, script(6));
    await deliverAll(receiver, log, join(dir, "cursor"), 7);

    expect(receiver.view.map((e) => e.id)).toEqual(expectedIds(log));
    expectOrderPerStream(receiver.view);
    expect(receiver.badSignatures).toBe(0);
    expect(receiver.raw.length).toBeGreaterThan(receiver.view.length);
  });

  it("[LIFE-12] a receiver with another secret refuses every request, and nothing is skipped meanwhile", async () => {
    const log = sampleLog(23, 3);
    receiver = await startReceiver("not-the-secret", () => "ok");
    const dispatcher = new WebhookDispatcher({
      url: receiver.url,
      secrets: SECRET,
      source: log,
      cursor: new FileCursorStore(join(dir, "cursor")),
      timeoutMs: 200,
      backoff: { baseMs: 5, capMs: 10 },
      logger: createLogger("error", () => {}),
    });
    await dispatcher.start();
    while (receiver.requests < 5) await new Promise((r) => setTimeout(r, 5));
    await dispatcher.stop();
    expect(receiver.badSignatures).toBe(receiver.requests);
    expect(receiver.view).toEqual([]);
    expect(dispatcher.status()).toMatchObject({ cursor: 0n, lastError: "HTTP 401" });
  });
});
