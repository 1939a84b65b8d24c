/**
 * Starts the server under test (child.ts) in a child process on a fresh
 * SQLite file in a temp directory, so the server has its own event loop and
 * the clients theirs, as a phone and a backend would. Resolves once it
 * listens; `close` shuts it down gracefully and removes the directory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ChildRpc } from "../child-rpc.js";
import type { ServerReady } from "./child.js";

export const BENCH_TOKEN = "ferry-bench-token";
export const CREDENTIAL: Uint8Array = new TextEncoder().encode(BENCH_TOKEN);

const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));

export class ServerProcess {
  readonly url: string;
  readonly httpUrl: string;
  /** The temp directory holding the server's database; the ingest ceiling writes its file here too. */
  readonly dir: string;
  readonly #rpc: ChildRpc;

  private constructor(rpc: ChildRpc, dir: string, ready: ServerReady) {
    this.#rpc = rpc;
    this.dir = dir;
    this.url = ready.url;
    this.httpUrl = ready.httpUrl;
  }

  static async start(): Promise<ServerProcess> {
    const dir = mkdtempSync(join(tmpdir(), "ferry-bench-"));
    try {
      const { rpc, ready } = await ChildRpc.start<ServerReady>(CHILD, [join(dir, "ferry.db"), BENCH_TOKEN]);
      return new ServerProcess(rpc, dir, ready);
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** Ingest transactions the server's store committed since it started. */
  commits(): Promise<number> {
    return this.#rpc.request<number>("commits");
  }

  async close(): Promise<void> {
    await this.#rpc.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
