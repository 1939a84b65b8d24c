/**
 * The VGL over a child process's standard streams: the peripheral is the
 * child, frames on its stdin and stdout, its logs on stderr [VGL-10]. Closing
 * the transport closes the child's stdin, upon which a stdio peripheral exits.
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { FrameStream } from "./frame-stream.js";

export interface StdioPeripheral {
  transport: FrameStream;
  child: ChildProcessByStdio<Writable, Readable, Readable | null>;
}

export interface StdioOptions {
  /** The child's stderr: inherited (default), piped (read `child.stderr`), or ignored. */
  stderr?: "inherit" | "pipe" | "ignore";
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Starts `command args` (e.g. `ferry-device --stdio`) and talks VGL over its stdio. */
export function spawnStdio(command: string, args: readonly string[], options: StdioOptions = {}): StdioPeripheral {
  const child = spawn(command, args, {
    stdio: ["pipe", "pipe", options.stderr ?? "inherit"],
    ...(options.env && { env: options.env }),
    ...(options.cwd && { cwd: options.cwd }),
  }) as ChildProcessByStdio<Writable, Readable, Readable | null>;
  const transport = new FrameStream(child.stdout, child.stdin, () => child.stdin.end());
  // A child that cannot start (ENOENT, EACCES) ends the stream instead of throwing.
  child.on("error", () => transport.close());
  return { transport, child };
}
