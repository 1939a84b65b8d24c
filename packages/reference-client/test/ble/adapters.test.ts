/**
 * The transports with real sockets and processes: TCP on loopback [VGL-11]
 * and a child's stdio [VGL-10], each carrying a whole session.
 */
import { createServer, type Server } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { connectTcp, DeviceSession, spawnStdio, type FrameStream } from "../../src/ble/index.js";
import { DEMO_INFO, MemorySink } from "./harness.js";
import { ScriptedPeripheral } from "./scripted-peripheral.js";

const cleanup: Array<() => void> = [];
afterEach(() => {
  while (cleanup.length > 0) cleanup.pop()!();
});

async function established(transport: FrameStream, sink: MemorySink): Promise<DeviceSession> {
  let up!: () => void;
  const opened = new Promise<void>((resolve) => (up = resolve));
  const session = new DeviceSession({ transport, sink, on: { established: () => up() } });
  cleanup.push(() => session.close());
  session.start();
  await opened;
  return session;
}

async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}

describe("transports", () => {
  it("[VGL-11] [VGL-12] runs a session over TCP on loopback", async () => {
    let device: ScriptedPeripheral | undefined;
    const server: Server = createServer((socket) => {
      device = new ScriptedPeripheral({ info: DEMO_INFO, now: () => performance.now(), send: (b) => void socket.write(b) });
      socket.on("data", (chunk) => device!.receive(chunk));
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanup.push(() => server.close());
    const port = (server.address() as { port: number }).port;
    const transport = await connectTcp(port);
    cleanup.push(() => transport.close());
    const sink = new MemorySink();
    const session = await established(transport, sink);
    device!.produce(2, new TextEncoder().encode("over tcp"));
    await until(() => sink.seqs(2, DEMO_INFO.epoch).length === 1, "the event");
    await until(() => device!.outbox.sender(2).size === 0, "the ack");
    session.disconnect();
    expect(await session.closed).toMatchObject({ reason: 0x16, initiator: "local" });
  });

  it("[VGL-11] a refused TCP connection rejects", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
    await expect(connectTcp(port)).rejects.toThrow();
  });

  it("[VGL-10] runs a session over a child's stdio; closing the transport ends the child", async () => {
    const fixture = fileURLToPath(new URL("./stdio-peripheral.fixture.ts", import.meta.url));
    const root = fileURLToPath(new URL("../../../../", import.meta.url));
    const { transport, child } = spawnStdio(process.execPath, ["--conditions=source", "--import", "tsx", fixture], { cwd: root, stderr: "pipe" });
    cleanup.push(() => child.kill("SIGKILL"));
    const sink = new MemorySink();
    await established(transport, sink);
    await until(() => sink.seqs(2, DEMO_INFO.epoch).length === 3, "the replay");
    const exited = new Promise((resolve) => child.once("exit", resolve));
    transport.close();
    expect(await exited).toBe(0);
  });
});
