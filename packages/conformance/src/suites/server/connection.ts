/**
 * A WebSocket connection to the server under test, speaking Ferry through
 * @ferry/protocol's codecs only (never the reference app), so the checker
 * is independent of the implementations it checks. It sends exactly what a
 * case gives it, hostile bytes included, records every message and the
 * close in the case's trace, and waits on events: every wait has a bound and
 * answers `undefined` when it runs out, so the case decides which
 * requirement that breaks.
 */
import { decodeMessage, encodeMessage, type Message } from "@ferry/protocol";
import { WebSocket } from "ws";
import { TargetUnreachable } from "../../runner/case.js";
import type { Trace } from "../../runner/trace.js";

export const SUBPROTOCOL = "ferry.v1";
/** How long a case waits for an answer it is owed (an ack delay is 200 ms [ACK-15]; loopback is fast). */
export const ANSWER_MS = 5_000;

export interface Closed {
  code: number;
  reason: string;
}

export interface OpenOptions {
  protocols?: string[];
  /** Offer permessage-deflate [WS-5]. */
  deflate?: boolean;
  signal?: AbortSignal;
}

export class Connection {
  readonly ws: WebSocket;
  readonly messages: Message[] = [];
  /** Binary frames from the server that do not decode, in hex. */
  readonly undecodable: string[] = [];
  readonly closed: Promise<Closed>;
  #closedWith: Closed | undefined;
  #waiters = new Set<() => void>();
  readonly #trace: Trace;

  private constructor(ws: WebSocket, trace: Trace) {
    this.ws = ws;
    this.#trace = trace;
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        trace.record("server", "app", "text", `a text frame of ${data.length} bytes`);
        this.undecodable.push(`text:${data.toString("utf8").slice(0, 80)}`);
      } else {
        try {
          const m = decodeMessage(new Uint8Array(data));
          this.messages.push(m);
          trace.message("server", "app", m);
        } catch (e) {
          this.undecodable.push(data.toString("hex").slice(0, 160));
          trace.record("server", "app", "undecodable", (e as Error).message);
        }
      }
      this.#wake();
    });
    this.closed = new Promise((resolve) =>
      ws.on("close", (code: number, reason: Buffer) => {
        this.#closedWith = { code, reason: reason.toString() };
        trace.record("server", "app", "close", `WebSocket closed with ${code}`);
        this.#wake();
        resolve(this.#closedWith);
      }),
    );
    ws.on("error", () => {});
  }

  /** Opens a connection; a refused upgrade resolves to its HTTP status, no server at all is TargetUnreachable. */
  static open(url: string, trace: Trace, options: OpenOptions = {}): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options.protocols ?? [SUBPROTOCOL], { perMessageDeflate: options.deflate ?? false, handshakeTimeout: ANSWER_MS });
      const c = new Connection(ws, trace);
      const onAbort = () => ws.terminate();
      options.signal?.addEventListener("abort", onAbort, { once: true });
      ws.once("close", () => options.signal?.removeEventListener("abort", onAbort));
      ws.once("open", () => {
        trace.record("app", "server", "open", `WebSocket open, subprotocol ${ws.protocol || "(none)"}`);
        resolve(c);
      });
      ws.once("unexpected-response", (_req, res) => {
        trace.record("server", "app", "http", `upgrade refused with ${res.statusCode}`);
        reject(new UpgradeRefused(res.statusCode ?? 0));
        ws.terminate();
      });
      ws.once("error", (e: Error & { code?: string }) => {
        if (e instanceof UpgradeRefused) return;
        const unreachable = ["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ETIMEDOUT", "EAI_AGAIN"].includes(e.code ?? "");
        reject(unreachable ? new TargetUnreachable(`cannot reach ${url}: ${e.message}`) : e);
      });
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  get closedWith(): Closed | undefined {
    return this.#closedWith;
  }

  send(m: Message): void {
    this.#trace.message("app", "server", m);
    this.ws.send(encodeMessage(m));
  }

  /** Bytes as they are, with a line for the trace. */
  sendRaw(bytes: Uint8Array, what: string): void {
    this.#trace.record("app", "server", "bytes", what);
    this.ws.send(bytes, { binary: true });
  }

  sendText(text: string): void {
    this.#trace.record("app", "server", "text", `a text frame of ${text.length} bytes`);
    this.ws.send(text, { binary: false });
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  /** The first message from index `from` on that matches, or undefined when the connection closed or `ms` passed. */
  async next<T extends Message>(match: (m: Message) => m is T, ms?: number, from?: number): Promise<T | undefined>;
  async next(match: (m: Message) => boolean, ms?: number, from?: number): Promise<Message | undefined>;
  async next(match: (m: Message) => boolean, ms = ANSWER_MS, from = 0): Promise<Message | undefined> {
    const deadline = performance.now() + ms;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (this.#closedWith || performance.now() >= deadline) return undefined;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.#waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(1, deadline - performance.now()));
        this.#waiters.add(done);
      });
    }
  }

  /** Resolves with the close, or undefined if the connection is still open after `ms`. */
  async closeWithin(ms = ANSWER_MS): Promise<Closed | undefined> {
    if (this.#closedWith) return this.#closedWith;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)));
    const result = await Promise.race([this.closed, timeout]);
    clearTimeout(timer);
    return result;
  }

  /** Codes of the Error messages received. */
  errors(): number[] {
    return this.messages.flatMap((m) => (m.type === "error" ? [m.error.code] : []));
  }

  /** Ends the connection cleanly (1000) and waits briefly for the close. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.#trace.record("app", "server", "close", "WebSocket close 1000");
    this.ws.close(1000);
    if (!(await this.closeWithin(1000))) this.ws.terminate();
  }

  /** Drops the connection without a close frame: the app was suspended or lost its network. */
  drop(): void {
    this.#trace.record("app", "server", "drop", "connection lost (no close frame)");
    this.ws.terminate();
  }
}

export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`WebSocket upgrade refused with HTTP ${status}`);
    this.name = "UpgradeRefused";
  }
}
