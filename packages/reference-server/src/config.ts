/**
 * Options of the reference server and their defaults. The CLI (cli.ts) and
 * the programmatic FerryServer.start() share these, so a test that starts a
 * server in process gets the same behaviour as `ferry-server`.
 */
import type { DeviceKeys } from "./device-keys.js";
import { DEFAULT_WINDOW, type Window } from "@ferry/protocol";
import type { Logger, LogLevel } from "./log.js";
import type { Credentials } from "./auth.js";
import type { Store } from "./store/store.js";
import type { Committer } from "./session/committer.js";
import type { RetransmissionPolicy } from "./session/retransmission-timer.js";
import type { BackoffPolicy, CursorStore, WebhookTransport } from "./webhook/index.js";

/** 1 MiB: the WebSocket and HTTP default max_message [WS-2] [HTTP-14]. */
export const DEFAULT_MAX_MESSAGE = 1_048_576;

export interface FloodLimit {
  /** Length of one counting interval. */
  intervalMs: number;
  /** Messages (Ping frames included) a connection may send per interval [WS-9]. */
  messages: number;
  /** Bytes a connection may send per interval. */
  bytes: number;
}

export interface AuthThrottleLimit {
  /** AUTH_FAILED answers one remote address may get per interval before it is RATE_LIMITED. */
  failures: number;
  intervalMs: number;
}

/**
 * Webhook delivery of the delivery log as CloudEvents [LIFE-12]
 * (docs/webhooks.md). The receiver's 2xx confirms a hand-off; everything
 * else is retried with backoff, in log order, one request at a time.
 */
export interface WebhookOptions {
  /** The receiver's URL (http or https, no credentials in it). */
  url: string;
  /** HMAC-SHA256 signing secrets; every one signs every request (several while rotating). */
  secrets: readonly string[];
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number | undefined;
  /** CloudEvents per request: 1 (default) sends one structured event with an Idempotency-Key; more sends JSON batches. */
  batchSize?: number | undefined;
  /** File keeping the webhook cursor (default: PATH.webhook-cursor beside the database). */
  cursorPath?: string | undefined;
  /** Overrides for tests and embedding. */
  cursor?: CursorStore | undefined;
  backoff?: BackoffPolicy | undefined;
  transport?: WebhookTransport | undefined;
}

export const WEBHOOK_DEFAULTS = { timeoutMs: 10_000, batchSize: 1 } as const;

/** Where the webhook cursor is kept when no path is given: beside the database. */
export const webhookCursorFileFor = (dbPath: string): string => `${dbPath}.webhook-cursor`;

/**
 * TLS for both bindings [SEC-3]: the server listens with https and the
 * WebSocket binding on the same port, so the URLs are wss:// and https://.
 * PEM text or bytes, as node:tls takes them.
 */
export interface TlsOptions {
  /** The certificate chain, leaf first. */
  cert: string | Buffer;
  /** The certificate's private key (not encrypted). */
  key: string | Buffer;
}

export interface ServerOptions {
  /** Registered device keys: events of these devices are verified [SEC-11], and FEATURE_SIGNED_EVENTS is offered [SEC-14]. */
  deviceKeys?: DeviceKeys;
  /** TLS [SEC-3]; undefined: plain ws:// and http:// (for loopback). */
  tls?: TlsOptions | undefined;
  /** TCP port; 0 picks an ephemeral one. */
  port: number;
  host: string;
  /** SQLite database file (created on first start). */
  dbPath: string;
  credentials: Credentials;
  /** Bearer token of the vendor application's pull and command API; undefined: that API is off. */
  adminToken?: string | undefined;
  /** Resume token keys, 32 bytes each: the first mints, all verify [SEC-4]. Default: PATH.key beside the database. */
  resumeKeys?: Uint8Array[] | undefined;
  /** Lifetime of a resume token [SEC-5]. */
  resumeTtlS: number;
  /** Largest Message (WebSocket) or body (HTTP) the server accepts [ENV-8]. */
  maxMessage: number;
  /** The window the server grants each session for events [FLOW-2]. */
  window: Window;
  flood: FloodLimit;
  authThrottle: AuthThrottleLimit;
  /** Close a connection whose Hello has not arrived by then [HS-15]. */
  helloTimeoutMs: number;
  /** Send a Ping after this much silence from the peer [WS-8]. */
  pingAfterMs: number;
  /** Close (1000) a connection on which nothing arrived for this long (chapter 11.4). */
  idleTimeoutMs: number;
  /**
   * The retransmission timer of commands in flight: 10 s doubling to 60 s,
   * the third expiry closing with 1001 [ACK-18] [CMD-14]. Shorter only in tests.
   */
  commandRetransmission?: RetransmissionPolicy | undefined;
  /**
   * [ACK-21] A gap below a held event that nobody fills or accounts for this
   * long is accounted `lost` by the server, so hand-off never stalls. The
   * spec asks at least 1 hour (the CLI enforces it); 24 hours by default.
   */
  gapTimeoutMs: number;
  /** How often the server looks for such gaps. */
  gapSweepMs: number;
  /** How long a graceful shutdown waits for commits in progress before closing sockets with 1001. */
  shutdownGraceMs: number;
  logLevel: LogLevel;
  /** Webhook delivery; undefined: off (the vendor application pulls /v1/events). */
  webhook?: WebhookOptions | undefined;
  /** Overrides for tests and embedding. */
  logger?: Logger | undefined;
  store?: Store | undefined;
  committer?: Committer | undefined;
  /** Wall clock in ms since the Unix epoch (tests move it to expire tokens). */
  now?: (() => number) | undefined;
}

export const DEFAULTS = {
  port: 8080,
  host: "127.0.0.1",
  dbPath: "./ferry.db",
  resumeTtlS: 7 * 24 * 3600,
  maxMessage: DEFAULT_MAX_MESSAGE,
  window: { ...DEFAULT_WINDOW.serverGrantsApp },
  // 20,000 messages per 10 s: twenty times the floor of [WS-9].
  flood: { intervalMs: 10_000, messages: 20_000, bytes: 256 * 1024 * 1024 },
  authThrottle: { failures: 100, intervalMs: 60_000 },
  helloTimeoutMs: 10_000,
  pingAfterMs: 30_000,
  idleTimeoutMs: 90_000,
  shutdownGraceMs: 2_000,
  gapTimeoutMs: 24 * 3600_000,
  gapSweepMs: 60_000,
  logLevel: "info",
} as const satisfies Partial<ServerOptions>;

export type ServerOptionsInput = Partial<ServerOptions> & Pick<ServerOptions, "credentials">;

export function resolveOptions(input: ServerOptionsInput): ServerOptions {
  const o: ServerOptions = {
    ...DEFAULTS,
    window: { ...DEFAULTS.window },
    flood: { ...DEFAULTS.flood },
    authThrottle: { ...DEFAULTS.authThrottle },
    ...stripUndefined(input),
    credentials: input.credentials,
  };
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new RangeError(`port ${o.port}`);
  if (!Number.isInteger(o.maxMessage) || o.maxMessage < 64) throw new RangeError(`max message ${o.maxMessage}: at least 64 bytes`);
  if (!Number.isInteger(o.resumeTtlS) || o.resumeTtlS < 1 || o.resumeTtlS > 0xffffffff) throw new RangeError(`resume ttl ${o.resumeTtlS} s`);
  if (!(o.gapTimeoutMs > 0) || !(o.gapSweepMs > 0)) throw new RangeError("gap timeout and sweep must be positive");
  if (o.flood.messages < 1 || o.flood.bytes < 1 || o.flood.intervalMs < 1) throw new RangeError("flood limits must be positive");
  if (o.webhook) checkWebhook(o.webhook);
  return o;
}

/** Refuses a webhook configuration the dispatcher could not run with; the message never quotes a secret or the URL's query. */
export function checkWebhook(w: WebhookOptions): void {
  let url: URL;
  try {
    url = new URL(w.url);
  } catch {
    throw new RangeError("webhook URL is not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new RangeError(`webhook URL must be http or https, not ${url.protocol}`);
  if (url.username || url.password) throw new RangeError("webhook URL must not carry credentials (the signature authenticates the server)");
  if (w.secrets.length === 0) throw new RangeError("a webhook URL needs at least one signing secret");
  if (w.secrets.some((s) => s.length === 0)) throw new RangeError("webhook secrets must not be empty");
  const timeout = w.timeoutMs ?? WEBHOOK_DEFAULTS.timeoutMs;
  if (!Number.isInteger(timeout) || timeout < 1) throw new RangeError(`webhook timeout ${timeout} ms`);
  const batch = w.batchSize ?? WEBHOOK_DEFAULTS.batchSize;
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`webhook batch size ${batch}`);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
