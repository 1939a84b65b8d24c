/**
 * End-to-end harness: real `ferry-server` child processes on loopback with
 * temporary SQLite files, driven by the reference app client's server leg.
 * No timing assertions: every wait is bounded polling that fails saying
 * what it waited for and what it saw.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const TOKEN = "demo-app-credential";
export const CREDENTIAL = new TextEncoder().encode(TOKEN);
export const ADMIN_TOKEN = "e2e-admin-token";
const BIN = fileURLToPath(new URL("../../bin/ferry-server.js", import.meta.url));

export interface ServerProcess {
  url: string;
  base: string;
  port: number;
  db: string;
  child: ChildProcess;
  /** What the server wrote on stderr, for failure messages. */
  stderr: string[];
  exited: Promise<number | null>;
  /** Sends the signal and waits for the process to exit. */
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** A directory for the test's SQLite files, removed by `cleanup`. */
export function tempDir(cleanup: (() => unknown)[]): string {
  const dir = mkdtempSync(join(tmpdir(), "ferry-e2e-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts `ferry-server` and resolves once it prints its listening line. */
export async function startServer(opts: { db: string; port?: number; args?: string[]; timeoutMs?: number }): Promise<ServerProcess> {
  const args = [BIN, "--port", String(opts.port ?? 0), "--db", opts.db, "--token", TOKEN, "--admin-token", ADMIN_TOKEN, "--log-level", "warn", ...(opts.args ?? [])];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const stderr: string[] = [];
  child.stderr!.on("data", (d: Buffer) => stderr.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`ferry-server did not print its listening line within ${opts.timeoutMs ?? 30_000} ms; stderr: ${stderr.join("").slice(-2000)}`)), opts.timeoutMs ?? 30_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = out.match(/ferry-server listening (\S+) (\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`ferry-server exited with ${code} before listening; stderr: ${stderr.join("").slice(-2000)}`));
    });
  });
  const [, , url, base] = line.split(" ");
  const port = Number(new URL(base!).port);
  return {
    url: url!,
    base: base!,
    port,
    db: opts.db,
    child,
    stderr,
    exited,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Bounded polling [no timing assertions]: resolves when `check` holds, else fails saying what was seen. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, opts: { timeoutMs?: number; describe?: () => string } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${opts.timeoutMs ?? 30_000} ms waiting for ${what}${opts.describe ? `: ${opts.describe()}` : ""}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One entry of the pull API's delivery log. */
export interface DeliveryJson {
  position: string;
  kind: "event" | "accounted";
  deviceId: string;
  epoch: number;
  stream: number;
  seq?: string;
  first?: string;
  last?: string;
  reason?: string;
  payload?: string;
}

async function admin(base: string, path: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.headers ?? {}) } });
  const body = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: HTTP ${res.status} ${body}`);
  return JSON.parse(body);
}

/** The whole delivery log through the pull API (GET /v1/events?cursor=N). */
export async function pullAll(base: string): Promise<DeliveryJson[]> {
  const out: DeliveryJson[] = [];
  let cursor = "0";
  for (;;) {
    const page = (await admin(base, `/v1/events?cursor=${cursor}&limit=1000`)) as { deliveries: DeliveryJson[]; nextCursor: string };
    out.push(...page.deliveries);
    if (page.deliveries.length === 0 || page.nextCursor === cursor) return out;
    cursor = page.nextCursor;
  }
}

export async function enqueueCommand(base: string, deviceHex: string, payload: Uint8Array, ttlMs = 0): Promise<bigint> {
  const r = (await admin(base, `/v1/devices/${deviceHex}/commands`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ payload: Buffer.from(payload).toString("base64"), ttlMs }),
  })) as { id: string };
  return BigInt(r.id);
}

export async function commandOutcome(base: string, deviceHex: string, id: bigint): Promise<{ outcome: string | null; scope: string | null }> {
  return (await admin(base, `/v1/devices/${deviceHex}/commands/${id}`)) as { outcome: string | null; scope: string | null };
}

/** mulberry32: a small seeded PRNG for kill points and workloads. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The run's seed: FERRY_SEED to replay, else the suite's default; printed by the caller. */
export const SEED = Number(process.env.FERRY_SEED ?? 20261122);

export const hexOf = (b: Uint8Array): string => Buffer.from(b).toString("hex");

export interface CustodyJson {
  stream: number;
  epoch: number;
  nextSeq: string;
  received: { first: string; last: string }[];
}

/** The server's custody of some streams of a device (GET /v1/devices/{hex}/streams). */
export async function custodyOf(base: string, deviceHex: string, keys: { stream: number; epoch: number }[]): Promise<CustodyJson[]> {
  const q = keys.map((k) => `${k.stream}:${k.epoch}`).join(",");
  return ((await admin(base, `/v1/devices/${deviceHex}/streams?keys=${q}`)) as { streams: CustodyJson[] }).streams;
}

/** Whether a custody report covers a sequence [ACK-3]. */
export function custodyCovers(c: CustodyJson, seq: bigint): boolean {
  return seq < BigInt(c.nextSeq) || c.received.some((r) => BigInt(r.first) <= seq && seq <= BigInt(r.last));
}
