/**
 * The WebSocket binding (chapter 11): upgrade on `{base}/v1/ws` under the
 * subprotocol of the major [WS-3] [WS-4], one Message per binary message
 * [WS-1], max_message enforced while frames arrive [WS-2], Error before
 * every fatal close with the table's code [WS-6], no permessage-deflate
 * [WS-5], Ping keepalive and idle close (11.4), and a per-connection flood
 * limit [WS-9]. The session logic is in ../session; this file is plumbing.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { ErrorCode, encodeMessage, errorInfo, VERSION, type ErrorName } from "@ferry/protocol";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import type { FloodLimit } from "../config.js";
import type { Logger } from "../log.js";
import type { AuthThrottle } from "../auth-throttle.js";
import type { SessionContext, Transport } from "../session/context.js";
import { ServerSession } from "../session/session.js";
import { FloodMeter } from "./flood.js";

export const WEBSOCKET_PATH = "/v1/ws";

/** How long a closing handshake may take before the socket is dropped. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * ws answers an over-long message by closing with 1009 by itself; Ferry
 * wants an Error, then 4002 [WS-2] [WS-6]. ws reports the fault by calling
 * close(1009) on the socket, so the socket class routes that one call to
 * the session instead.
 */
class FerrySocket extends WebSocket {
  onTooLarge: (() => void) | undefined;

  override close(code?: number, data?: string | Buffer): void {
    const handler = this.onTooLarge;
    if (code === 1009 && handler && this.readyState === WebSocket.OPEN) {
      this.onTooLarge = undefined;
      return handler();
    }
    super.close(code, data);
  }
}

export interface WebSocketBindingOptions {
  maxMessage: number;
  flood: FloodLimit;
  pingAfterMs: number;
  idleTimeoutMs: number;
  log: Logger;
  throttle: AuthThrottle;
  /** The session context shared by every connection (the throttle is bound per address). */
  context: Omit<SessionContext, "throttle">;
}

interface Connection {
  ws: FerrySocket;
  session: ServerSession;
  flood: FloodMeter;
  lastHeard: number;
  pinged: boolean;
  flooded: boolean;
}

export function closeCode(reason: ErrorName | "normal" | "going-away"): number {
  if (reason === "normal") return 1000;
  if (reason === "going-away") return 1001;
  return errorInfo(ErrorCode[reason])?.websocketClose ?? 1011;
}

/** A close reason is at most 123 bytes [RFC 6455 5.5]; it is for people only [ERR-3]. */
function reasonText(detail: string): string {
  let text = detail;
  while (Buffer.byteLength(text) > 123) text = text.slice(0, -1);
  return text;
}

function offered(req: IncomingMessage): string[] {
  const header = req.headers["sec-websocket-protocol"];
  return (header ?? "").split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}

function refuseUpgrade(socket: Duplex, status: string, text: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}

export class WebSocketBinding {
  readonly #o: WebSocketBindingOptions;
  readonly #wss: WebSocketServer;
  readonly #connections = new Set<Connection>();
  #accepting = true;

  constructor(options: WebSocketBindingOptions) {
    this.#o = options;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxMessage,
      perMessageDeflate: false,
      // Text messages are refused as MALFORMED whatever their bytes [WS-1].
      skipUTF8Validation: true,
      WebSocket: FerrySocket,
      // [WS-4] the first offered subprotocol this server speaks.
      handleProtocols: (protocols) => (protocols.has(VERSION.websocketSubprotocol) ? VERSION.websocketSubprotocol : false),
    });
  }

  get connections(): number {
    return this.#connections.size;
  }

  /** The HTTP server's 'upgrade' event for WEBSOCKET_PATH. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!this.#accepting) return refuseUpgrade(socket, "503 Service Unavailable", "the server is shutting down");
    // [WS-4] an upgrade offering no major this server speaks is refused with 400.
    if (!offered(req).includes(VERSION.websocketSubprotocol)) {
      return refuseUpgrade(socket, "400 Bad Request", `offer the subprotocol ${VERSION.websocketSubprotocol} [WS-3]`);
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws as FerrySocket, req));
  }

  #accept(ws: FerrySocket, req: IncomingMessage): void {
    const { context, log, throttle } = this.#o;
    const address = req.socket.remoteAddress ?? "unknown";
    const peer = `${address}:${req.socket.remotePort ?? 0}`;
    const transport: Transport = {
      send: (m) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(encodeMessage(m));
      },
      close: (reason, detail) => this.#close(ws, closeCode(reason), detail),
    };
    const session = new ServerSession({ ...context, throttle: throttle.for(address) }, transport, peer);
    const now = context.clock.mono();
    const conn: Connection = { ws, session, flood: new FloodMeter(this.#o.flood, now), lastHeard: now, pinged: false, flooded: false };
    this.#connections.add(conn);
    ws.onTooLarge = () => session.fail("MESSAGE_TOO_LARGE", `message larger than max_message ${this.#o.maxMessage} [WS-2]`);

    ws.on("message", (data: RawData, isBinary: boolean) => {
      const bytes = toBytes(data);
      if (!this.#heard(conn, bytes.length)) return;
      if (isBinary) session.receive(bytes);
      else session.receiveText();
    });
    ws.on("ping", (data: Buffer) => void this.#heard(conn, data.length));
    ws.on("pong", () => void this.#heard(conn, 0, false));
    ws.on("error", (e: Error) => log.debug("websocket error", { peer, error: e.message }));
    ws.on("close", () => {
      this.#connections.delete(conn);
      session.closed();
    });
  }

  /** Counts input against the flood limit [WS-9]; false once the connection is flooding. */
  #heard(conn: Connection, bytes: number, counts = true): boolean {
    conn.lastHeard = this.#o.context.clock.mono();
    conn.pinged = false;
    if (conn.flooded) return false;
    if (!counts || conn.flood.take(bytes, conn.lastHeard)) return true;
    conn.flooded = true;
    conn.session.fail("RATE_LIMITED", "more messages or bytes than the flood limit [WS-9]");
    return false;
  }

  #close(ws: WebSocket, code: number, detail: string): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.close(code, reasonText(detail));
    // A peer that never completes the closing handshake does not keep the socket.
    setTimeout(() => ws.terminate(), CLOSE_TIMEOUT_MS).unref();
  }

  /** Hello timeouts, keepalive Pings and idle closes (11.4), first-flight grace; run a few times a second. */
  sweep(): void {
    const now = this.#o.context.clock.mono();
    for (const c of this.#connections) {
      c.session.tick(now);
      const silent = now - c.lastHeard;
      if (silent >= this.#o.idleTimeoutMs) this.#close(c.ws, 1000, "idle");
      else if (silent >= this.#o.pingAfterMs && !c.pinged && c.ws.readyState === WebSocket.OPEN) {
        c.pinged = true;
        c.ws.ping();
      }
    }
  }

  /**
   * Graceful shutdown: refuse new upgrades, let every session commit and
   * acknowledge what it received (at most `graceMs`), then close with 1001 so
   * clients resume (chapter 7.1.4).
   */
  async shutdown(graceMs: number): Promise<void> {
    this.#accepting = false;
    const closing = [...this.#connections].map(async (c) => {
      await Promise.race([c.session.drain().catch(() => {}), delay(graceMs)]);
      this.#close(c.ws, 1001, "server going away");
    });
    await Promise.all(closing);
    const closed = [...this.#connections].map((c) => new Promise<void>((r) => (c.ws.readyState === WebSocket.CLOSED ? r() : c.ws.once("close", () => r()))));
    await Promise.race([Promise.all(closed), delay(graceMs)]);
    for (const c of this.#connections) c.ws.terminate();
    await new Promise<void>((r) => this.#wss.close(() => r()));
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
