/**
 * Against the real reference device (packages/reference-device), a separate
 * process on a loopback TCP port with its flash in a temp file: handshake,
 * custody, critical notification, end-to-end relay, commands, and a
 * reconnection that replays only what the app's custody lacks.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { CommandAck } from "@ferry/protocol";
import { connectTcp, DeviceSession, spawnStdio, type CriticalEvent, type Established, type FrameStream } from "../../src/ble/index.js";
import { MemorySink } from "./harness.js";

const BIN = fileURLToPath(new URL("../../../reference-device/bin/ferry-device.js", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

interface Device {
  child: ChildProcessWithoutNullStreams;
  port: number;
  observations: Array<Record<string, unknown>>;
  control(line: string): void;
}

const cleanup: Array<() => void> = [];
afterEach(() => {
  while (cleanup.length > 0) cleanup.pop()!();
});

async function startDevice(flash: string): Promise<Device> {
  const child = spawn(process.execPath, [BIN, "--tcp", "0", "--flash", flash, "--id", "d00d0001", "--name", "ferry-test"], { cwd: ROOT });
  cleanup.push(() => child.kill("SIGKILL"));
  const observations: Array<Record<string, unknown>> = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    try {
      observations.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not an observation
    }
  });
  const port = await new Promise<number>((resolve, reject) => {
    let err = "";
    const lines = createInterface({ input: child.stderr });
    lines.on("line", (line) => {
      err += `${line}\n`;
      const m = /ferry-device listening tcp:\/\/127\.0\.0\.1:(\d+)/.exec(line);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`ferry-device exited ${code}: ${err}`)));
  });
  return { child, port, observations, control: (line) => void child.stdin.write(`${line}\n`) };
}

async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}

async function session(transport: FrameStream, sink: MemorySink, extra: { critical?: CriticalEvent[]; acks?: CommandAck[] } = {}) {
  let up!: (e: Established) => void;
  const established = new Promise<Established>((resolve) => (up = resolve));
  const s = new DeviceSession({
    transport,
    sink,
    on: {
      established: (e) => up(e),
      critical: (e) => extra.critical?.push(e),
      commandAck: (_d, a) => extra.acks?.push(a),
    },
  });
  cleanup.push(() => s.close());
  s.start();
  return { s, established: await established };
}

describe("against ferry-device over TCP", () => {
  it("[DHS-1] [DHS-4] [ACK-2] [ACK-14] [LIFE-8] [CMD-10] [DHS-3] takes custody, relays end to end, carries commands, resumes", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "ferry-central-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const device = await startDevice(join(dir, "flash.bin"));
    const transport = await connectTcp(device.port);
    cleanup.push(() => transport.close());
    const sink = new MemorySink();
    const critical: CriticalEvent[] = [];
    const acks: CommandAck[] = [];

    const first = await session(transport, sink, { critical, acks });
    const { info, deviceId, name } = first.established;
    expect({ deviceId, name }).toEqual({ deviceId: "d00d0001", name: "ferry-test" });
    const alarm = info.streams.find((x) => x.priority === "critical")!;
    const bulk = info.streams.find((x) => x.priority === "bulk")!;

    device.control("alarm");
    device.control("sample");
    device.control("sample");
    await until(() => sink.seqs(alarm.stream, info.epoch).length === 1 && sink.seqs(bulk.stream, info.epoch).length === 2, "the events");
    await until(() => critical.length === 1, "the critical notification");
    expect(critical[0]).toMatchObject({ deviceId: "d00d0001", stream: alarm.stream, seq: 0n });
    const acked = (scope: string, stream: number) => device.observations.some((o) => o.event === "acknowledged" && o.scope === scope && o.stream === stream);
    await until(() => acked("hop", bulk.stream), "the hop ack");

    // The server's custody of the alarm, relayed: the device frees it [ACK-14].
    first.s.relayEndToEnd([{ stream: alarm.stream, epoch: info.epoch, nextSeq: 1n, received: [], accounted: [] }]);
    await until(() => acked("end-to-end", alarm.stream), "the end-to-end ack");

    first.s.sendCommand({ id: 1n, payload: new TextEncoder().encode("silence"), ttlMs: 30_000 });
    await until(() => acks.some((a) => a.ids.includes(1n) && a.scope === "end-to-end"), "the command's outcome");
    expect(device.observations.some((o) => o.event === "command" && o.id === "1")).toBe(true);

    first.s.disconnect();
    await first.s.closed;

    // Offline, the device produces more; the next session gets exactly those [DHS-3] [ACK-16].
    device.control("sample");
    await until(() => device.observations.filter((o) => o.event === "produced").length === 4, "the offline sample");
    const before = sink.takes.length;
    const second = await session(transport, sink);
    expect(second.established.info.epoch).toBe(info.epoch);
    await until(() => sink.seqs(bulk.stream, info.epoch).length === 3, "the replay");
    const replayed = sink.takes.slice(before).flatMap((t) => t.runs.flatMap((r) => r.payloads.map((_, i) => `${r.stream}:${r.firstSeq + BigInt(i)}`)));
    expect(replayed).toEqual([`${bulk.stream}:2`]);
    second.s.disconnect();
    await second.s.closed;
  });

  it("[VGL-10] runs over the device's stdio too", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "ferry-central-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const { transport, child } = spawnStdio(process.execPath, [BIN, "--stdio", "--flash", join(dir, "flash.bin"), "--sample-ms", "20"], { cwd: ROOT, stderr: "ignore" });
    cleanup.push(() => child.kill("SIGKILL"));
    const sink = new MemorySink();
    const { s, established } = await session(transport, sink);
    const bulk = established.info.streams.find((x) => x.priority === "bulk")!;
    await until(() => sink.seqs(bulk.stream, established.info.epoch).length >= 3, "samples");
    s.disconnect();
    await s.closed;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    transport.close();
    expect(await exited).toBe(0);
  });
});
