/**
 * FerryServer: the reference server wired together. One node:http server
 * carries both bindings (WebSocket upgrades on /v1/ws, the batch POST on
 * /v1/batch), the health endpoint and the vendor application's API; one
 * store and one group committer serve every connection.
 *
 *   const server = await FerryServer.start({ port: 0, dbPath, credentials });
 *   server.url      // ws://127.0.0.1:PORT/v1/ws
 *   server.httpUrl  // http://127.0.0.1:PORT
 *   await server.close();   // sessions drain, sockets close with 1001
 *
 * With `tls` set, the server is an https one and the URLs are wss:// and
 * https:// [SEC-3]; without it, a server listening beyond loopback warns.
 *
 * With `webhook` set, a WebhookDispatcher hands the delivery log to the
 * vendor's receiver [LIFE-12]: woken after every commit and every lost-gap
 * accounting, stopped before the store closes.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { isIP, type AddressInfo } from "node:net";
import { resumeTokenAuthority, VERSION } from "@ferry/protocol";
import { AuthThrottle } from "./auth-throttle.js";
import { resolveOptions, type ServerOptions, type ServerOptionsInput, type WebhookOptions, webhookCursorFileFor } from "./config.js";
import { createLogger, type Logger } from "./log.js";
import { loadOrCreateKey } from "./resume-keys.js";
import { handleAdmin } from "./bindings/admin.js";
import { BATCH_PATH, handleBatch, handleHealth, HEALTH_PATH, sendJson } from "./bindings/http.js";
import { WEBSOCKET_PATH, WebSocketBinding } from "./bindings/websocket.js";
import type { Committer } from "./session/committer.js";
import type { Clock } from "./session/context.js";
import { SessionRegistry } from "./session/registry.js";
import { GroupCommitter, SqliteStore } from "./store/index.js";
import type { Store } from "./store/store.js";
import { FileCursorStore, WebhookDispatcher, type WebhookStatus } from "./webhook/index.js";

/** Hello timeouts, keepalive and the first-flight grace are checked this often. */
const SWEEP_MS = 250;

export class FerryServer {
  /** WebSocket endpoint, e.g. ws://127.0.0.1:8080/v1/ws */
  readonly url: string;
  /** Base URL of the HTTP endpoints, e.g. http://127.0.0.1:8080 */
  readonly httpUrl: string;
  readonly port: number;
  readonly store: Store;
  readonly registry: SessionRegistry;
  readonly options: ServerOptions;
  readonly #http: Server;
  readonly #ws: WebSocketBinding;
  readonly #committer: Committer;
  readonly #webhook: WebhookDispatcher | undefined;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #sweep: NodeJS.Timeout;
  readonly #gapSweep: NodeJS.Timeout;
  #gapSweeping = false;
  readonly #state: { available: boolean };
  #closing: Promise<void> | undefined;

  private constructor(parts: {
    options: ServerOptions;
    http: Server;
    ws: WebSocketBinding;
    store: Store;
    committer: Committer;
    webhook: WebhookDispatcher | undefined;
    registry: SessionRegistry;
    log: Logger;
    clock: Clock;
    state: { available: boolean };
  }) {
    this.options = parts.options;
    this.#http = parts.http;
    this.#ws = parts.ws;
    this.store = parts.store;
    this.#committer = parts.committer;
    this.#webhook = parts.webhook;
    this.registry = parts.registry;
    this.#log = parts.log;
    this.#clock = parts.clock;
    this.#state = parts.state;
    const address = this.#http.address() as AddressInfo;
    this.port = address.port;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    const secure = this.options.tls !== undefined;
    this.url = `${secure ? "wss" : "ws"}://${host}:${this.port}${WEBSOCKET_PATH}`;
    this.httpUrl = `${secure ? "https" : "http"}://${host}:${this.port}`;
    // [SEC-3] plain text is for processes on one host only.
    if (!secure && !isLoopback(address.address)) this.#log.warn("listening beyond loopback without TLS: give --tls-cert and --tls-key [SEC-3]", { address: address.address });
    this.#sweep = setInterval(() => this.#ws.sweep(), SWEEP_MS);
    this.#sweep.unref();
    this.#gapSweep = setInterval(() => void this.accountLostGaps(), this.options.gapSweepMs);
    this.#gapSweep.unref();
  }

  static async start(input: ServerOptionsInput): Promise<FerryServer> {
    const options = resolveOptions(input);
    const log = options.logger ?? createLogger(options.logLevel);
    const now = options.now ?? (() => Date.now());
    const clock: Clock = { now, mono: () => performance.now() };
    const store = options.store ?? SqliteStore.open(options.dbPath);
    const committer = options.committer ?? new GroupCommitter(store);
    // resolveOptions checked the configuration, so this does not throw; start() comes with listen.
    const webhook = options.webhook && createDispatcher(options.webhook, options.dbPath, store, log);
    // Sessions and batches commit through this one, so every commit wakes the dispatcher.
    const sessionCommitter = webhook ? notifyingCommitter(committer, webhook) : committer;
    const keys = options.resumeKeys ?? [loadOrCreateKey(options.dbPath)];
    const tokens = resumeTokenAuthority({ keys, ttlS: options.resumeTtlS });
    const registry = new SessionRegistry();
    const throttle = new AuthThrottle(options.authThrottle, clock.mono);
    const state = { available: true };

    const ws = new WebSocketBinding({
      maxMessage: options.maxMessage,
      flood: options.flood,
      pingAfterMs: options.pingAfterMs,
      idleTimeoutMs: options.idleTimeoutMs,
      log,
      throttle,
      context: {
        credentials: options.credentials,
        tokens,
        store,
        committer: sessionCommitter,
        registry,
        clock,
        randomBytes: (n) => new Uint8Array(randomBytes(n)),
        log,
        window: options.window,
        maxMessage: options.maxMessage,
        helloTimeoutMs: options.helloTimeoutMs,
        deviceKeys: options.deviceKeys,
        commandRetransmission: options.commandRetransmission,
      },
    });
    const batchOptions = {
      context: { credentials: options.credentials, store, committer: sessionCommitter, clock, maxMessage: options.maxMessage, deviceKeys: options.deviceKeys },
      throttle,
      log,
      available: () => state.available,
    };
    const adminOptions = { adminToken: options.adminToken, store, registry, now, maxMessage: options.maxMessage };

    const route = async (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? "/", "http://ferry.invalid");
      if (url.pathname === BATCH_PATH) return handleBatch(req, res, batchOptions);
      if (url.pathname === HEALTH_PATH) return webhook ? healthWithWebhook(req, res, state.available, webhook) : handleHealth(req, res, state.available);
      if (url.pathname === WEBSOCKET_PATH) return sendJson(res, 426, { error: `upgrade to WebSocket with subprotocol ferry.v1` }, { Upgrade: "websocket" });
      if (await handleAdmin(req, res, url, adminOptions)) return;
      sendJson(res, 404, { error: "not found" });
    };
    const listener: RequestListener = (req, res) => {
      route(req, res).catch((e: unknown) => {
        log.error("request failed", { path: req.url, error: String((e as Error)?.message ?? e) });
        if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
        else res.destroy();
      });
    };
    // [SEC-3] one port either way; ws rides on the upgrade event of both.
    const http: Server = options.tls ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createServer(listener);
    // [HTTP-14] a body announced too large is refused before the client sends it.
    http.on("checkContinue", (req, res) => {
      const batch = new URL(req.url ?? "/", "http://ferry.invalid").pathname === BATCH_PATH;
      if (!batch || !(Number(req.headers["content-length"]) > options.maxMessage)) res.writeContinue();
      http.emit("request", req, res);
    });
    http.requestTimeout = 30_000;
    http.headersTimeout = 10_000;
    http.on("upgrade", (req, socket, head) => {
      const path = new URL(req.url ?? "/", "http://ferry.invalid").pathname;
      if (path === WEBSOCKET_PATH) return ws.handleUpgrade(req, socket, head);
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    });
    http.on("clientError", (_e, socket) => {
      if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      else socket.destroy();
    });

    try {
      // A damaged cursor file fails the start here, before the listening line.
      await webhook?.start();
      await new Promise<void>((resolve, reject) => {
        http.once("error", reject);
        http.listen(options.port, options.host, () => {
          http.off("error", reject);
          resolve();
        });
      });
    } catch (e) {
      await webhook?.stop({ abortInFlight: true });
      if (!options.store) await store.close();
      throw e;
    }
    return new FerryServer({ options, http, ws, store, committer, webhook, registry, log, clock, state });
  }

  /** Open WebSocket connections. */
  get connections(): number {
    return this.#ws.connections;
  }

  /** Progress of webhook delivery; undefined when webhooks are off. */
  get webhook(): WebhookStatus | undefined {
    return this.#webhook?.status();
  }

  /** Queues a command for a device, as the admin API does, and pushes it to its open sessions [CMD-11]. */
  async enqueueCommand(deviceId: Uint8Array, payload: Uint8Array, ttlMs = 0): Promise<bigint> {
    const id = await this.store.enqueueCommand(deviceId, payload, ttlMs, this.#clock.now());
    this.registry.commandsQueued(deviceId);
    return id;
  }

  /**
   * [ACK-21] Accounts `lost` every gap that held a stream's hand-off back for
   * the gap timeout. Runs on a timer; callable directly (tests, operators).
   */
  async accountLostGaps(): Promise<number> {
    if (this.#gapSweeping || this.#closing) return 0;
    this.#gapSweeping = true;
    try {
      const gaps = await this.store.accountLostGaps(this.#clock.now(), this.options.gapTimeoutMs);
      for (const g of gaps) {
        this.#log.info("gap accounted lost", { device: Buffer.from(g.deviceId).toString("hex"), stream: g.stream, epoch: g.epoch, first: g.first, last: g.last });
      }
      if (gaps.length > 0) this.#webhook?.notify();
      return gaps.length;
    } catch (e) {
      this.#log.error("lost-gap sweep failed", { error: String((e as Error)?.message ?? e) });
      return 0;
    } finally {
      this.#gapSweeping = false;
    }
  }

  /**
   * Graceful shutdown: health turns 503 and new work is refused, sessions
   * acknowledge what they received, sockets close with 1001 (going away),
   * the last commits finish, webhook delivery stops after the request in
   * flight (its answer awaited, at most the webhook timeout), and the store
   * closes. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#state.available = false;
    // Stopping starts now, so waiting for the request in flight overlaps the sessions' drain.
    const webhookStopped = this.#webhook?.stop();
    clearInterval(this.#sweep);
    clearInterval(this.#gapSweep);
    while (this.#gapSweeping) await new Promise((r) => setTimeout(r, 10));
    const httpClosed = new Promise<void>((r) => this.#http.close(() => r()));
    await this.#ws.shutdown(this.options.shutdownGraceMs);
    this.#http.closeIdleConnections();
    const grace = setTimeout(() => this.#http.closeAllConnections(), this.options.shutdownGraceMs);
    await httpClosed;
    clearTimeout(grace);
    const drain = (this.#committer as { drain?: () => Promise<void> }).drain;
    if (drain) await drain.call(this.#committer).catch(() => {});
    await webhookStopped;
    if (!this.options.store) await this.store.close();
    this.#log.info("ferry-server stopped");
  }
}

function isLoopback(address: string): boolean {
  if (isIP(address) === 4) return address.startsWith("127.");
  return address === "::1" || address === "::ffff:127.0.0.1";
}

function createDispatcher(w: WebhookOptions, dbPath: string, store: Store, log: Logger): WebhookDispatcher {
  const batchSize = w.batchSize ?? 1;
  return new WebhookDispatcher({
    url: w.url,
    secrets: w.secrets,
    source: store,
    cursor: w.cursor ?? new FileCursorStore(w.cursorPath ?? webhookCursorFileFor(dbPath)),
    logger: log,
    // One event per request is the structured mode (with Idempotency-Key), not a batch of one.
    ...(batchSize > 1 && { batchSize }),
    ...(w.timeoutMs !== undefined && { timeoutMs: w.timeoutMs }),
    ...(w.backoff && { backoff: w.backoff }),
    ...(w.transport && { transport: w.transport }),
  });
}

function notifyingCommitter(committer: Committer, webhook: WebhookDispatcher): Committer {
  return {
    async submit(request) {
      const outcome = await committer.submit(request);
      webhook.notify();
      return outcome;
    },
  };
}

/**
 * [HTTP-15] health plus the progress of webhook delivery. Unauthenticated, so
 * it never shows the receiver's URL, its answers or a secret: the last error
 * is reduced to its kind (the log has the detail).
 */
function healthWithWebhook(req: IncomingMessage, res: ServerResponse, available: boolean, webhook: WebhookDispatcher): void {
  if (req.method !== "GET" && req.method !== "HEAD") return handleHealth(req, res, available);
  const s = webhook.status();
  const lastError = publicError(s.lastError);
  sendJson(res, available ? 200 : 503, {
    status: available ? "ok" : "unavailable",
    protocol: VERSION.protocol,
    webhook: { running: s.running, cursor: s.cursor.toString(), delivered: s.delivered, failures: s.failures, ...(lastError !== undefined && { lastError }) },
  });
}

function publicError(detail: string | undefined): string | undefined {
  if (detail === undefined) return undefined;
  const status = /^HTTP (\d{3})/.exec(detail);
  if (status) return `HTTP ${status[1]}`;
  if (detail === "timed out") return detail;
  if (detail.startsWith("dispatcher stopped")) return "dispatcher stopped (see the log)";
  const code = /\b(E[A-Z]{2,}|UND_ERR_[A-Z_]+)\b/.exec(detail);
  return code ? `request failed (${code[1]})` : "request failed (see the log)";
}
