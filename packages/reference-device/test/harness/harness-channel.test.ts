/**
 * ferry-device under the harness channel of chapter 17, as the conformance
 * toolkit drives it: a real process connecting to a loopback listener.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const BIN = join(ROOT, "packages/reference-device/bin/ferry-device.js");

type Line = Record<string, unknown>;
const cleanup: Array<() => void> = [];
afterEach(() => {
  while (cleanup.length > 0) cleanup.pop()!();
});

/** The toolkit's end: accepts the target's connection and collects its lines. */
async function listener(): Promise<{ port: number; target: Promise<{ socket: Socket; lines: Line[] }> }> {
  const server: Server = createServer();
  cleanup.push(() => server.close());
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  const target = new Promise<{ socket: Socket; lines: Line[] }>((resolve) =>
    server.once("connection", (socket) => {
      cleanup.push(() => socket.destroy());
      const lines: Line[] = [];
      createInterface({ input: socket }).on("line", (l) => lines.push(JSON.parse(l) as Line));
      resolve({ socket, lines });
    }),
  );
  return { port, target };
}

async function until<T>(find: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 1500; i++) {
    const v = find();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("ferry-device on the harness channel", () => {
  it("[HAR-1] [HAR-3] [HAR-4] [HAR-5] [HAR-7] says hello, produces through its own path, reports status, and marks an unknown op unsupported", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "ferry-device-harness-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const { port, target } = await listener();
    const child = spawn(process.execPath, [BIN, "--tcp", "0", "--flash", join(dir, "flash.bin"), "--capacity", "64"], {
      cwd: ROOT,
      env: { ...process.env, FERRY_HARNESS: `tcp://127.0.0.1:${port}` },
    });
    cleanup.push(() => child.kill("SIGKILL"));
    const { socket, lines } = await target;
    await until(() => lines[0], "hello");
    expect(lines[0]).toMatchObject({ obs: "hello", role: "device" });

    const ask = (req: Line) => socket.write(`${JSON.stringify(req)}\n`);
    ask({ id: 1, op: "produce", stream: 3, count: 5, size: 16 });
    ask({ id: 2, op: "status" });
    ask({ id: 3, op: "launch" });
    ask({ id: 4, op: "produce", stream: 1 });
    const replies = await until(() => {
      const r = lines.filter((l) => "id" in l);
      return r.length >= 4 ? r : undefined;
    }, "four replies");
    // [HAR-4] one reply per request, in order.
    expect(replies.map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect(replies[0]).toMatchObject({ ok: true, first: "0", last: "4" });
    expect(replies[1]).toMatchObject({ ok: true, buffered: 5, capacity: 64 });
    expect(replies[2]).toMatchObject({ ok: false, unsupported: true });
    expect(replies[3]).toMatchObject({ ok: true, first: "0", last: "0" });
    // [HAR-5] [HAR-7] each event observed as produced (numbered and durable), on the device's clock.
    const produced = lines.filter((l) => l.obs === "produced");
    expect(produced.map((p) => `${p.stream}:${p.first}`)).toEqual(["3:0", "3:1", "3:2", "3:3", "3:4", "1:0"]);
    expect(produced.every((p) => typeof p.t === "number" && typeof p.epoch === "number")).toBe(true);

    // Killed and started again on the same flash: the counters continue [ID-5].
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const again = await listener();
    const child2 = spawn(process.execPath, [BIN, "--tcp", "0", "--flash", join(dir, "flash.bin")], { cwd: ROOT, env: { ...process.env, FERRY_HARNESS: `tcp://127.0.0.1:${again.port}` } });
    cleanup.push(() => child2.kill("SIGKILL"));
    const t2 = await again.target;
    t2.socket.write(`${JSON.stringify({ id: 1, op: "produce", stream: 3, count: 2 })}\n`);
    const reply = await until(() => t2.lines.find((l) => l.id === 1), "the reply after a power cycle");
    expect(reply).toMatchObject({ ok: true, first: "5", last: "6" });
  });
});
