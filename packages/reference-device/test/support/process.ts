/**
 * The `ferry-device` command as a real process: started through the
 * package's bin on a TCP port it picks, its observations read from stdout,
 * its control lines written to stdin, killed with SIGKILL for power cycles.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TestCentral } from "./central.js";

export const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));
export const BIN = join(PACKAGE_DIR, "bin/ferry-device.js");
const ENV = { ...process.env, FERRY_FROM_SOURCE: "1" };

const cleanups: Array<() => void> = [];
export function cleanup(): void {
  for (const c of cleanups.splice(0).reverse()) c();
}

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "ferry-device-"));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

export type Line = Record<string, unknown> & { t: number; event: string };

export class DeviceProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: Line[] = [];
  stderr = "";
  port = 0;
  #waiters: Array<() => void> = [];
  readonly exited: Promise<number | null>;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [BIN, ...args], { cwd: PACKAGE_DIR, env: ENV });
    cleanups.push(() => this.child.kill("SIGKILL"));
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
    let buffer = "";
    this.child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      buffer += chunk;
      for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
        this.lines.push(JSON.parse(buffer.slice(0, i)) as Line);
        buffer = buffer.slice(i + 1);
      }
      this.#wake();
    });
    this.child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
      this.#wake();
    });
  }

  /** Starts `ferry-device --tcp 0 --flash FLASH ...` and waits for its listening line [VGL-11]. */
  static async start(flash: string, args: string[] = []): Promise<DeviceProcess> {
    const p = new DeviceProcess(["--tcp", "0", "--flash", flash, ...args]);
    await p.waitFor(() => /ferry-device listening tcp:\/\/127\.0\.0\.1:(\d+)\n/.test(p.stderr), "listening line", 30_000);
    p.port = Number(/listening tcp:\/\/127\.0\.0\.1:(\d+)/.exec(p.stderr)![1]);
    return p;
  }

  control(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  events(kind: string): Line[] {
    return this.lines.filter((l) => l.event === kind);
  }

  async status(): Promise<Line> {
    const before = this.events("status").length;
    this.control("status");
    await this.waitFor(() => this.events("status").length > before, "status line");
    return this.events("status").at(-1)!;
  }

  waitFor(cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stderr: ${this.stderr}`)), timeoutMs);
      const check = () => (cond() ? (clearTimeout(timer), resolve()) : this.#waiters.push(check));
      this.#waiters.push(check);
    });
  }

  /** kill -9: a power cut. */
  async powerCut(): Promise<void> {
    this.child.kill("SIGKILL");
    await this.exited;
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }
}

/** A test central on a TCP connection to the device. */
export async function tcpCentral(port: number): Promise<{ central: TestCentral; socket: Socket }> {
  const socket = connect({ port, host: "127.0.0.1" });
  cleanups.push(() => socket.destroy());
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  socket.setNoDelay(true);
  const central = new TestCentral((b) => void socket.write(b));
  socket.on("data", (chunk: Buffer) => central.feed(new Uint8Array(chunk)));
  return { central, socket };
}

export function runCommand(args: string[], input?: Uint8Array): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: PACKAGE_DIR, env: ENV });
    const out: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.once("exit", (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
    if (input) child.stdin.write(input);
    child.stdin.end();
  });
}
