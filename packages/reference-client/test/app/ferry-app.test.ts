/**
 * ferry-app as a real process between a real ferry-device and a real
 * ferry-server, on loopback, with the outbox, flash and database in temp
 * files: killed with SIGKILL while it holds custody the server has not
 * acknowledged, relaunched, and every event reaches the server once.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { parseAppArgs } from "../../src/cli.js";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const BIN = {
  app: join(ROOT, "packages/reference-client/bin/ferry-app.js"),
  device: join(ROOT, "packages/reference-device/bin/ferry-device.js"),
  server: join(ROOT, "packages/reference-server/bin/ferry-server.js"),
};
const ADMIN = "vendor-secret";

interface Proc {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  /** The first output line matching, as its match. */
  ready: (re: RegExp) => Promise<RegExpExecArray>;
}

const cleanup: Array<() => void> = [];
afterEach(() => {
  while (cleanup.length > 0) cleanup.pop()!();
});

function start(bin: string, args: string[]): Proc {
  const child = spawn(process.execPath, [bin, ...args], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
  cleanup.push(() => child.kill("SIGKILL"));
  const lines: Array<Record<string, unknown>> = [];
  let err = "";
  const waiters: Array<{ re: RegExp; resolve: (m: RegExpExecArray) => void }> = [];
  const match = (l: string) => {
    for (const w of waiters) {
      const m = w.re.exec(l);
      if (m) w.resolve(m);
    }
  };
  createInterface({ input: child.stdout! }).on("line", (l) => {
    match(l);
    try {
      lines.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      // not an observation line
    }
  });
  createInterface({ input: child.stderr! }).on("line", (l) => {
    err += `${l}\n`;
    match(l);
  });
  const ready = (re: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      waiters.push({ re, resolve });
      child.once("exit", (code) => reject(new Error(`${bin} exited ${code}: ${err}`)));
    });
  return { child, lines, ready };
}

async function until(done: () => boolean | Promise<boolean>, what: string): Promise<void> {
  if (process.env.FERRY_DEBUG) console.error(`waiting for ${what}`);
  for (let i = 0; i < 1500; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function startServer(dir: string, port = 0): Promise<{ proc: Proc; port: number }> {
  const proc = start(BIN.server, ["--port", String(port), "--db", join(dir, "server.db"), "--token", "app-token", "--admin-token", ADMIN, "--log-level", "error"]);
  const m = await proc.ready(/listening ws:\/\/127\.0\.0\.1:(\d+)/);
  return { proc, port: Number(m[1]) };
}

interface Delivery {
  kind: string;
  stream: number;
  seq: string;
}

async function deliveries(port: number): Promise<Delivery[]> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/events?cursor=0&limit=1000`, { headers: { authorization: `Bearer ${ADMIN}` } });
  const body = (await res.json()) as { deliveries?: Delivery[] };
  if (!res.ok || !body.deliveries) throw new Error(`GET /v1/events: ${res.status} ${JSON.stringify(body)}`);
  return body.deliveries;
}

const exited = (p: Proc) => new Promise((r) => (p.child.exitCode !== null || p.child.signalCode !== null ? r(null) : p.child.once("exit", r)));

describe("ferry-app between ferry-device and ferry-server", () => {
  it("[ACK-2] [LIFE-2] [LIFE-5] [CONF-3] [CONF-4] kill -9 between device custody and server acknowledgement: nothing lost, nothing doubled", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "ferry-app-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));

    // The server's port is known but nobody listens: custody cannot reach it.
    const first = await startServer(dir);
    first.proc.child.kill("SIGTERM");
    await exited(first.proc);

    const device = start(BIN.device, ["--tcp", "0", "--flash", join(dir, "flash.bin"), "--id", "a11ce001"]);
    const devicePort = Number((await device.ready(/listening tcp:\/\/127\.0\.0\.1:(\d+)/))[1]);
    const appArgs = ["--outbox", join(dir, "outbox.log"), "--device", `tcp://127.0.0.1:${devicePort}`, "--server", `ws://127.0.0.1:${first.port}/v1/ws`, "--credential", "app-token", "--reconnect-ms", "100"];
    const app = start(BIN.app, appArgs);
    await until(() => app.lines.some((l) => l.obs === "connected"), "the app to connect to the device");

    const SAMPLES = 30;
    const ALARMS = 3;
    for (let i = 0; i < SAMPLES; i++) device.child.stdin!.write("sample\n");
    for (let i = 0; i < ALARMS; i++) device.child.stdin!.write("alarm\n");
    const custodyOf = (p: Proc) => p.lines.filter((l) => l.obs === "custody").reduce((n, l) => n + Number(l.last) - Number(l.first) + 1, 0);
    await until(() => custodyOf(app) === SAMPLES + ALARMS, "custody of every event");

    // [ACK-2] custody was durable before the device was acknowledged: kill -9 now loses nothing.
    app.child.kill("SIGKILL");
    await exited(app);
    const server = await startServer(dir, first.port);
    const relaunched = start(BIN.app, appArgs);
    await until(async () => (await deliveries(server.port)).length >= SAMPLES + ALARMS, "every event at the server");
    // A little more time for any duplicate to show up.
    await new Promise((r) => setTimeout(r, 300));
    const got = await deliveries(server.port);
    const ids = got.map((d) => `${d.stream}:${d.seq}`);
    expect(new Set(ids).size).toBe(ids.length);
    const seqs = (stream: number) => got.filter((d) => d.stream === stream && d.kind === "event").map((d) => Number(d.seq));
    expect(seqs(3)).toEqual([...Array(SAMPLES).keys()]);
    expect(seqs(1)).toEqual([...Array(ALARMS).keys()]);
    expect(relaunched.lines.find((l) => l.obs === "outbox")).toMatchObject({ tornBytes: 0 });
  });

  it("refuses bad usage with a message", () => {
    expect(() => parseAppArgs(["--outbox", "x"])).toThrow(/--device is required/);
    expect(() => parseAppArgs(["--outbox", "x", "--device", "localhost", "--server", "ws://a", "--credential", "c"])).toThrow(/tcp:\/\/HOST:PORT/);
    expect(() => parseAppArgs(["--outbox", "x", "--device", "tcp://h:1", "--server", "http://a", "--credential", "c"])).toThrow(/ws:\/\//);
    expect(parseAppArgs(["--help"])).toBe("help");
  });
});
