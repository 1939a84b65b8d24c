/**
 * Webhook delivery through a real `ferry-server` (issue 3) [LIFE-12]: two
 * devices stream over WebSocket while the server POSTs every delivery-log
 * entry to a local receiver that, by script, fails with 500, stalls past the
 * timeout, processes a request and then drops the connection, and succeeds.
 * The server is killed with SIGKILL once while a request is in flight and
 * restarted on the same database. The receiver, written as a vendor would
 * (verify the signature, deduplicate by Idempotency-Key), must end up with
 * every event exactly once and in order per (device, epoch, stream), and
 * must have been sent duplicates: deduplication was needed, not decorative.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { ServerLeg } from "@ferry/reference-client";
import type { StreamKey } from "@ferry/protocol";
import { Credentials } from "../../src/auth.js";
import { HELP, parseCommandLine } from "../../src/cli.js";
import { silentLogger } from "../../src/log.js";
import { FerryServer } from "../../src/server.js";
import { SqliteStore } from "../../src/store/index.js";
import type { FerryCloudEvent } from "../../src/webhook/cloudevent.js";
import { verifyWebhookSignature } from "../../src/webhook/signature.js";
import { CREDENTIAL, hexOf, prng, pullAll, SEED, startServer, tempDir, waitFor, type ServerProcess } from "./harness.js";
import { auditDeliveries, payloadOf, Producer, RecordingOutbox } from "./ledger.js";

const OLD_SECRET = "whsec-old-7c1e";
const NEW_SECRET = "whsec-new-93ab";
/** Sits in the receiver URL's query: it must show neither in health nor in the log. */
const URL_TOKEN = "query-token-5d02";
const EVENTS_PER_DEVICE = 80;
/** The request during which the server is killed. */
const KILL_AT = 25;

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

type Behaviour = "ok" | "fail" | "stall" | "drop" | "kill";

/** Every misbehaviour early, the kill mid-delivery, then seeded misbehaviour now and then. */
function script(seed: number): (n: number) => Behaviour {
  const opening: Behaviour[] = ["ok", "fail", "ok", "stall", "ok", "drop", "ok", "ok", "fail", "ok", "drop", "ok"];
  const rand = prng(seed);
  return (n) => {
    if (n === KILL_AT) return "kill";
    const scripted = opening[n - 1];
    if (scripted) return scripted;
    const x = rand();
    return x < 0.04 ? "fail" : x < 0.07 ? "drop" : x < 0.08 ? "stall" : "ok";
  };
}

interface Seen {
  behaviour: Behaviour;
  key: string | undefined;
  contentType: string | undefined;
  /** Ferry-Signature verifies with both secrets (the rotation signs with each). */
  signed: boolean;
  /** The CloudEvent, when the receiver processed the request. */
  event?: FerryCloudEvent;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

async function startReceiver(behaviourOf: (n: number) => Behaviour, onKill: () => void) {
  const seen: Seen[] = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const behaviour = behaviourOf(seen.length + 1);
    const nowS = Math.floor(Date.now() / 1000);
    const header = req.headers["ferry-signature"] as string | undefined;
    const record: Seen = {
      behaviour,
      key: req.headers["idempotency-key"] as string | undefined,
      contentType: req.headers["content-type"],
      signed: verifyWebhookSignature(OLD_SECRET, header, body, nowS) && verifyWebhookSignature(NEW_SECRET, header, body, nowS),
    };
    seen.push(record);
    if (behaviour === "stall") return; // never answers: the server's 200 ms timeout fires
    if (!record.signed) return void res.writeHead(401).end();
    if (behaviour === "fail") return void res.writeHead(500, { "content-type": "text/plain" }).end("scripted failure");
    record.event = JSON.parse(body.toString("utf8")) as FerryCloudEvent;
    if (behaviour === "drop") return void req.socket.destroy(); // processed, answer lost
    if (behaviour === "kill") return onKill(); // processed; the server dies waiting for the answer
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/ferry/hook?key=${URL_TOKEN}`,
    seen,
    /** Deduplicated by Idempotency-Key: the first processed copy of each, in arrival order. */
    view(): FerryCloudEvent[] {
      const keys = new Set<string>();
      const out: FerryCloudEvent[] = [];
      for (const s of seen) {
        if (!s.event || s.key === undefined || keys.has(s.key)) continue;
        keys.add(s.key);
        out.push(s.event);
      }
      return out;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const streamOf = (e: FerryCloudEvent) => `${e.source} ${e.ferryepoch}/${e.ferrystream}`;

describe("webhook delivery, end to end", () => {
  it("[LIFE-12] [ACK-12] a failing, stalling, answer-losing receiver and a SIGKILL: every event once per Idempotency-Key, in order, signed", { timeout: 60_000 }, async () => {
    console.log(`webhook e2e seed ${SEED} (replay with FERRY_SEED=${SEED})`);
    const dir = tempDir(cleanup);
    const db = `${dir}/ferry.db`;
    const secretFile = `${dir}/webhook-secrets`;
    writeFileSync(secretFile, `\n${NEW_SECRET}\n\n`, { mode: 0o600 });
    let srv: ServerProcess | undefined;
    let killed = false;
    const receiver = await startReceiver(script(SEED), () => {
      killed = true;
      srv?.child.kill("SIGKILL");
    });
    cleanup.push(() => receiver.close());
    const args = ["--webhook-url", receiver.url, "--webhook-secret", OLD_SECRET, "--webhook-secret-file", secretFile, "--webhook-timeout-ms", "200"];
    srv = await startServer({ db, args });
    cleanup.push(() => srv?.kill("SIGKILL"));
    const port = srv.port;

    const rand = prng(SEED ^ 0x3e6b);
    const devices = [
      { id: Uint8Array.from([0xeb, 0x00, 0x01]), keys: [{ stream: 1, epoch: 7 }, { stream: 9, epoch: 7 }] },
      { id: Uint8Array.from([0xeb, 0x00, 0x02]), keys: [{ stream: 1, epoch: 4_000_000_000 }, { stream: 2, epoch: 4_000_000_000 }] },
    ];
    const clients = devices.map(({ id, keys }) => {
      const producer = new Producer(id, new RecordingOutbox());
      const leg = new ServerLeg({ url: srv!.url, source: producer.outbox, deviceId: id, credential: CREDENTIAL, backoff: { baseMs: 100, capMs: 500 }, random: prng(SEED + id[2]!) });
      cleanup.push(() => leg.stop());
      return { producer, leg, keys: keys as StreamKey[] };
    });
    const produced = () => clients.reduce((n, c) => n + c.producer.total, 0);
    const held = () => clients.reduce((n, c) => n + c.producer.outbox.size, 0);
    // Small seeded bursts every 30 ms: half before the kill, the rest while the server is down (the clients hold them) and after.
    const timer = setInterval(() => {
      for (const c of clients) {
        const left = (killed ? EVENTS_PER_DEVICE : EVENTS_PER_DEVICE / 2) - c.producer.total;
        if (left <= 0) continue;
        const key = c.keys[rand() < 0.2 ? 1 : 0]!;
        c.producer.produce(key, key.stream === 1 ? "bulk" : "critical", Math.min(left, 1 + Math.floor(rand() * 3)));
        c.leg.flush();
      }
    }, 30);
    cleanup.push(() => clearInterval(timer));
    clients.forEach((c) => c.leg.start());

    // The receiver kills the server while it waits for the answer to request KILL_AT.
    await waitFor(`request ${KILL_AT} (the kill point)`, () => killed, { describe: () => `${receiver.seen.length} requests` });
    await srv.exited;
    console.log(`killed at request ${KILL_AT}: ${receiver.view().length} events confirmed or processed, ${produced()} produced`);
    srv = await startServer({ db, port, args });

    const total = devices.length * EVENTS_PER_DEVICE;
    await waitFor("every event produced and acknowledged", () => produced() === total && held() === 0, { describe: () => `${produced()} produced, ${held()} held` });
    await waitFor(`the receiver's deduplicated view at ${total} events`, () => receiver.view().length >= total, {
      describe: () => `${receiver.view().length} of ${total}; stderr: ${srv!.stderr.join("").slice(-1000)}`,
    });

    // Every request signed by both secrets, structured, with the event's id as Idempotency-Key.
    expect(receiver.seen.filter((s) => !s.signed).length, "requests whose Ferry-Signature does not verify").toBe(0);
    expect(receiver.seen.every((s) => s.contentType === "application/cloudevents+json; charset=utf-8")).toBe(true);
    expect(receiver.seen.filter((s) => s.event && s.event.id !== s.key).map((s) => s.key)).toEqual([]);

    // Exactly once per identity: the view holds each produced event, nothing else.
    const view = receiver.view();
    const expected = new Set<string>();
    for (const c of clients) for (const [k, n] of c.producer.produced) for (let s = 0n; s < n; s++) expected.add(`${hexOf(c.producer.deviceId)}/${k.split("/")[1]}/${k.split("/")[0]}/${s}`);
    expect(view.map((e) => e.id).sort()).toEqual([...expected].sort());
    for (const e of view) {
      expect(e.type).toBe("dev.ferry.event");
      if (e.type !== "dev.ferry.event") continue;
      const device = Buffer.from(e.source.replace("ferry://device/", ""), "hex");
      const payload = payloadOf(device, { stream: Number(e.ferrystream), epoch: Number(e.ferryepoch) }, BigInt(e.sequence));
      expect(e.data_base64, e.id).toBe(Buffer.from(payload).toString("base64"));
    }

    // [ACK-12] In order per (device, epoch, stream), with no gap; duplicates only ever repeat the latest.
    const next = new Map<string, bigint>();
    for (const e of view) {
      expect(BigInt(e.sequence), `${e.id} after ${next.get(streamOf(e))}`).toBe(next.get(streamOf(e)) ?? 0n);
      next.set(streamOf(e), BigInt(e.sequence) + 1n);
    }
    const latest = new Map<string, bigint>();
    for (const e of receiver.seen.flatMap((s) => (s.event ? [s.event] : []))) {
      expect(BigInt(e.sequence), `${e.id} arrived after ${latest.get(streamOf(e))}`).toBeGreaterThanOrEqual(latest.get(streamOf(e)) ?? 0n);
      latest.set(streamOf(e), BigInt(e.sequence));
    }

    // Duplicates were sent (the kill and the lost answers), and every scripted misbehaviour happened.
    const processed = receiver.seen.filter((s) => s.event).length;
    console.log(`webhook e2e: ${receiver.seen.length} requests, ${processed} processed, ${processed - view.length} duplicates, behaviours ${[...new Set(receiver.seen.map((s) => s.behaviour))].join(",")}`);
    expect(processed).toBeGreaterThan(view.length);
    for (const b of ["fail", "stall", "drop", "kill"] as const) expect(receiver.seen.some((s) => s.behaviour === b), b).toBe(true);

    // The server's own log agrees, and health reports the webhook caught up without leaking the URL's query or a secret.
    expect(auditDeliveries(await pullAll(srv.base), clients.map((c) => c.producer))).toEqual([]);
    const lastPosition = (await pullAll(srv.base)).at(-1)!.position;
    let health = "";
    await waitFor("health to report the webhook cursor at the end of the log", async () => {
      health = await (await fetch(`${srv!.base}/v1/health`)).text();
      return (JSON.parse(health) as { webhook?: { cursor?: string } }).webhook?.cursor === lastPosition;
    }, { describe: () => health });
    expect(JSON.parse(health)).toMatchObject({ status: "ok", webhook: { running: true, failures: 0 } });
    for (const text of [health, srv.stderr.join("")]) for (const secret of [URL_TOKEN, OLD_SECRET, NEW_SECRET]) expect(text).not.toContain(secret);

    // A graceful stop waits for the dispatcher; the cursor file holds the last confirmed position.
    await Promise.all(clients.map((c) => c.leg.stop()));
    expect(await srv.kill("SIGTERM")).toBe(0);
    expect(readFileSync(`${db}.webhook-cursor`, "utf8")).toBe(`${lastPosition}\n`);
  });
});

describe("webhook options", () => {
  const base = ["--token", "t"];
  const url = "http://127.0.0.1:9/hook";

  it("--help documents them", () => {
    for (const option of ["--webhook-url", "--webhook-secret", "--webhook-secret-file", "--webhook-timeout-ms", "--webhook-batch-size", "--webhook-cursor", "FERRY_WEBHOOK_SECRET"]) expect(HELP).toContain(option);
  });

  it("reads secrets from the options and the file, else from FERRY_WEBHOOK_SECRET; defaults the rest", () => {
    const file = `${tempDir(cleanup)}/secrets`;
    writeFileSync(file, "b\r\n\n  c  \n");
    const env = { FERRY_WEBHOOK_SECRET: "from-env" };
    const o = parseCommandLine([...base, "--webhook-url", url, "--webhook-secret", "a", "--webhook-secret-file", file], env);
    expect(o !== "help" && o.webhook).toEqual({ url, secrets: ["a", "b", "c"], timeoutMs: undefined, batchSize: undefined, cursorPath: undefined });
    const e = parseCommandLine([...base, "--webhook-url", url, "--webhook-timeout-ms", "250", "--webhook-batch-size", "20", "--webhook-cursor", "/x/c"], env);
    expect(e !== "help" && e.webhook).toEqual({ url, secrets: ["from-env"], timeoutMs: 250, batchSize: 20, cursorPath: "/x/c" });
    const off = parseCommandLine(base, env);
    expect(off !== "help" && off.webhook).toBeUndefined();
  });

  it.each([
    [["--webhook-url", url], /needs a signing secret/],
    [["--webhook-secret", "s"], /--webhook-secret needs --webhook-url/],
    [["--webhook-url", "ftp://127.0.0.1/", "--webhook-secret", "s"], /http or https/],
    [["--webhook-url", "http://u:p@127.0.0.1/", "--webhook-secret", "s"], /credentials/],
    [["--webhook-url", url, "--webhook-secret", ""], /must not be empty/],
    [["--webhook-url", url, "--webhook-secret", "s", "--webhook-batch-size", "0"], /--webhook-batch-size/],
    [["--webhook-url", url, "--webhook-secret", "s", "--webhook-timeout-ms", "1e3"], /--webhook-timeout-ms/],
    [["--webhook-url", url, "--webhook-secret-file", "/nonexistent/secrets"], /--webhook-secret-file/],
  ])("refuses %j", (args, message) => {
    expect(() => parseCommandLine([...base, ...args], {})).toThrow(message);
  });

  it("a URL without a secret exits 2 with a message saying so", async () => {
    const bin = fileURLToPath(new URL("../../bin/ferry-server.js", import.meta.url));
    const env = { ...process.env, FERRY_WEBHOOK_SECRET: "" };
    const child = spawn(process.execPath, [bin, ...base, "--webhook-url", url], { stdio: ["ignore", "pipe", "pipe"], env });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/--webhook-url needs a signing secret/);
  });
});

describe("webhook progress in GET /v1/health", () => {
  it("[HTTP-15] shows cursor and failures, and of the last error only its kind", async () => {
    const db = `${tempDir(cleanup)}/ferry.db`;
    const seeded = SqliteStore.open(db);
    const run = { stream: 1, firstSeq: 0n, priority: "bulk" as const, ttlMs: 0, epoch: 7, payloads: [Uint8Array.of(1, 2, 3)], signatures: [] };
    await seeded.ingest([{ deviceId: Uint8Array.of(0xab), runs: [run], accountings: [], nowMs: Date.now() }]);
    await seeded.close();
    let status = 500;
    const server = await FerryServer.start({
      port: 0,
      dbPath: db,
      credentials: new Credentials([["t", "*"]]),
      logger: silentLogger,
      webhook: {
        url: `http://127.0.0.1:9/hook?key=${URL_TOKEN}`,
        secrets: [OLD_SECRET],
        backoff: { baseMs: 5, capMs: 20 },
        // The receiver's answer body could say anything; health must not repeat it.
        transport: async () => ({ status, bodySnippet: `stack trace mentioning ${URL_TOKEN} and ${OLD_SECRET}` }),
      },
    });
    cleanup.push(() => server.close());
    const health = async () => (await (await fetch(`${server.httpUrl}/v1/health`)).json()) as { webhook: { cursor: string; failures: number; lastError?: string } };
    let seen: unknown;
    await waitFor("health to report a failing webhook", async () => ((seen = await health()), (seen as { webhook: { failures: number } }).webhook.failures > 0), { describe: () => JSON.stringify(seen) });
    const failing = await health();
    expect(failing.webhook).toMatchObject({ cursor: "0", lastError: "HTTP 500" });
    expect(JSON.stringify(failing)).not.toMatch(new RegExp(`${URL_TOKEN}|${OLD_SECRET}|127\\.0\\.0\\.1`));
    status = 204;
    await waitFor("health to report the event delivered", async () => ((seen = await health()), (seen as { webhook: { cursor: string } }).webhook.cursor === "1"), { describe: () => JSON.stringify(seen) });
    expect(await health()).toEqual({ status: "ok", protocol: "1.0", webhook: { running: true, cursor: "1", delivered: 1, failures: 0 } });
    expect(server.webhook).toMatchObject({ cursor: 1n, delivered: 1 });
    await server.close();
    expect(readFileSync(`${db}.webhook-cursor`, "utf8")).toBe("1\n");
  });
});
