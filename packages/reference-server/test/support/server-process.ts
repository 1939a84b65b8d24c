/**
 * Runs `ferry-server` as a real child process from source (node + tsx, the
 * "source" export condition), on an ephemeral port, and waits for its
 * "listening" line. Real sockets, real SQLite file, real signals.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));
export const CLI = ["--import", "tsx", "--conditions=source", "src/cli.ts"];

export interface RunningServer {
  url: string;
  httpUrl: string;
  proc: ChildProcess;
  dir: string;
  dbPath: string;
  stderr(): string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "ferry-server-test-"));
}

export function writeTokens(dir: string, tokens: Record<string, string[] | "*">): string {
  const path = join(dir, "tokens.json");
  writeFileSync(path, JSON.stringify(tokens));
  return path;
}

export function startServer(args: string[], opts: { dir?: string; dbPath?: string } = {}): Promise<RunningServer> {
  const dir = opts.dir ?? tempDir();
  const dbPath = opts.dbPath ?? join(dir, "ferry.db");
  const proc = spawn(process.execPath, [...CLI, "--port", "0", "--db", dbPath, ...args], { cwd: PACKAGE_DIR, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`ferry-server did not start:\n${err}`));
    }, 20_000);
    const early = (code: number | null) => {
      clearTimeout(guard);
      reject(new Error(`ferry-server exited with ${code} before listening:\n${err}`));
    };
    proc.once("exit", early);
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = out.match(/^ferry-server listening (wss?:\/\/\S+) (https?:\/\/\S+)$/m);
      if (!m) return;
      clearTimeout(guard);
      proc.off("exit", early);
      resolve({
        url: m[1]!,
        httpUrl: m[2]!,
        proc,
        dir,
        dbPath,
        stderr: () => err,
        stop: (signal = "SIGTERM") => {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
          return exited;
        },
      });
    });
  });
}

/** Runs the command to completion (for --help and usage errors). */
export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(command, args, { cwd: PACKAGE_DIR, stdio: ["ignore", "pipe", "pipe"], env });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    proc.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}
