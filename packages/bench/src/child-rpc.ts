/**
 * A child process of the bench, spoken to over its IPC channel: each
 * request carries an id and gets one reply. The children run TypeScript
 * sources like the bench itself (tsx, "source" export condition). Used for
 * the server under test (its own event loop, like a real backend) and for
 * the codec loops (each codec in its own V8 instance, so no codec's
 * JIT state shapes another's figures).
 *
 * Child side: serveRpc(ready, handlers) announces readiness and answers.
 */
import { fork, type ChildProcess } from "node:child_process";
import { BENCH_ROOT } from "./paths.js";

type Reply = { type: "ready"; ready: unknown } | { type: "reply"; id: number; ok: true; result: unknown } | { type: "reply"; id: number; ok: false; error: string };
type Request = { type: "request"; id: number; body: unknown } | { type: "close" };

export class ChildRpc {
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  readonly #stderr: string[];
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #ids = 0;

  private constructor(child: ChildProcess, exited: Promise<void>, stderr: string[]) {
    this.#child = child;
    this.#exited = exited;
    this.#stderr = stderr;
    child.on("message", (m: Reply) => {
      if (m.type !== "reply") return;
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (m.ok) p?.resolve(m.result);
      else p?.reject(new Error(m.error));
    });
    void exited.then(() => {
      for (const p of this.#pending.values()) p.reject(new Error(`child exited: ${this.#stderr.join("").slice(-2000)}`));
      this.#pending.clear();
    });
  }

  /** Forks `entry` and resolves with its readiness payload once it announces it. */
  static async start<R>(entry: string, args: string[], timeoutMs = 60_000): Promise<{ rpc: ChildRpc; ready: R }> {
    const child = fork(entry, args, { cwd: BENCH_ROOT, execArgv: ["--conditions=source", "--import", "tsx"], stdio: ["ignore", "ignore", "pipe", "ipc"] });
    const stderr: string[] = [];
    child.stderr!.on("data", (d: Buffer) => stderr.push(d.toString()));
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    try {
      const ready = await new Promise<R>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${entry} not ready within ${timeoutMs} ms`)), timeoutMs);
        child.on("message", (m: Reply) => {
          if (m.type === "ready") {
            clearTimeout(timer);
            resolve(m.ready as R);
          }
        });
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`${entry} exited before it was ready: ${stderr.join("").slice(-2000)}`));
        });
      });
      return { rpc: new ChildRpc(child, exited, stderr), ready };
    } catch (e) {
      child.kill("SIGKILL");
      throw e;
    }
  }

  request<T>(body: unknown): Promise<T> {
    const id = ++this.#ids;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#child.send({ type: "request", id, body } satisfies Request);
    });
  }

  /** Asks the child to finish (it runs its close handler), SIGKILL after `graceMs`. */
  async close(graceMs = 10_000): Promise<void> {
    if (this.#child.connected) this.#child.send({ type: "close" } satisfies Request);
    const killer = setTimeout(() => this.#child.kill("SIGKILL"), graceMs);
    await this.#exited;
    clearTimeout(killer);
  }
}

/** Child side: announce `ready`, answer requests with `handle`, run `onClose` then exit on close or when the parent goes. */
export function serveRpc(ready: unknown, handle: (body: unknown) => unknown, onClose: () => Promise<void> | void = () => {}): void {
  const send = (m: Reply) => process.send!(m);
  let closing = false;
  const close = () => {
    if (closing) return;
    closing = true;
    void Promise.resolve(onClose()).finally(() => process.exit(0));
  };
  process.on("message", (m: Request) => {
    if (m.type === "close") return close();
    Promise.resolve()
      .then(() => handle(m.body))
      .then(
        (result) => send({ type: "reply", id: m.id, ok: true, result }),
        (e: unknown) => send({ type: "reply", id: m.id, ok: false, error: String((e as Error)?.stack ?? e) }),
      );
  });
  process.on("disconnect", close);
  send({ type: "ready", ready });
}
