/**
 * Webhook delivery driven by the delivery log [LIFE-12]: reads the entries
 * after its durable cursor, POSTs them strictly in log order with one
 * request in flight, and moves the cursor only after the receiver answered
 * 2xx. Sequential delivery of a log that is itself in order per stream gives
 * order per stream [ACK-12]; retrying until a 2xx, with the entry's id as
 * idempotency key, gives exactly once to a receiver that dedups by that key.
 *
 * Every failure is retried, 4xx included: the spec says retry until the
 * application confirms, and a receiver bug must not silently drop events.
 * Such failures are logged at error level so the vendor sees them.
 */
import type { Delivery } from "../store/store.js";
import { createLogger, type Logger } from "../log.js";
import { type BackoffPolicy, DEFAULT_BACKOFF, backoffDelayMs, withRetryAfter } from "./backoff.js";
import { type Clock, systemClock } from "./clock.js";
import type { CursorStore } from "./cursor-store.js";
import { describeFailure, logFailure } from "./failure.js";
import { type DeliveryMode, type FormedRequest, formRequest, requestHeaders } from "./request.js";
import { type WebhookTransport, attempt, fetchTransport } from "./transport.js";

/** The part of the Store the dispatcher reads. */
export interface DeliverySource {
  readDeliveries(cursor: bigint, limit: number): Promise<Delivery[]>;
}

export interface WebhookDispatcherOptions {
  /** The receiver's URL (http or https). */
  url: string;
  /** Signing secrets; each one signs every request (several while rotating). */
  secrets: string | readonly string[];
  source: DeliverySource;
  cursor: CursorStore;
  /** Per-attempt timeout; default 10 s. */
  timeoutMs?: number;
  backoff?: BackoffPolicy;
  /** Absent: one CloudEvent per request. Set: JSON batches of up to this many. */
  batchSize?: number;
  /** Batch body limit (a single larger event still goes alone); default 1 MiB. */
  maxBatchBytes?: number;
  /** How long to sleep when caught up, unless `notify()` wakes it; default 1 s. */
  pollIntervalMs?: number;
  transport?: WebhookTransport;
  clock?: Clock;
  /** Uniform in [0, 1): the backoff jitter. */
  random?: () => number;
  logger?: Logger;
}

export interface WebhookStatus {
  running: boolean;
  /** Position of the last log entry the receiver confirmed. */
  cursor: bigint;
  /** Log entries confirmed since start(). */
  delivered: number;
  /** Consecutive failed attempts of the request now being delivered. */
  failures: number;
  lastError?: string;
}

/** Entries read per query; payloads can be large, so not many more than a batch. */
const READ_AHEAD = 32;

export class WebhookDispatcher {
  readonly #o: Required<Omit<WebhookDispatcherOptions, "secrets" | "batchSize" | "maxBatchBytes">>;
  readonly #secrets: readonly string[];
  readonly #mode: DeliveryMode;
  /** The URL without query or credentials, which may hold a token: for the log. */
  readonly #logUrl: string;
  #cursor = 0n;
  #queue: Delivery[] = [];
  #running: Promise<void> | undefined;
  #stopping = false;
  #stop = new AbortController();
  #inFlight = new AbortController();
  #idle: AbortController | undefined;
  #notified = false;
  #caughtUp: Array<(cursor: bigint) => void> = [];
  #delivered = 0;
  #failures = 0;
  #lastError: string | undefined;

  constructor(options: WebhookDispatcherOptions) {
    const url = new URL(options.url);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`webhook URL must be http(s): ${url.origin}`);
    // fetch refuses URLs with credentials; the signature authenticates us instead.
    if (url.username || url.password) throw new Error("webhook URL must not carry credentials");
    this.#logUrl = `${url.origin}${url.pathname}`;
    this.#secrets = typeof options.secrets === "string" ? [options.secrets] : [...options.secrets];
    if (this.#secrets.length === 0 || this.#secrets.some((s) => s.length === 0)) throw new Error("webhook secrets must be non-empty");
    const { batchSize, maxBatchBytes = 1 << 20 } = options;
    if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize >= 1)) throw new Error(`bad webhook batch size ${batchSize}`);
    this.#mode = batchSize === undefined ? { kind: "structured" } : { kind: "batch", batchSize, maxBatchBytes };
    this.#o = {
      url: url.href,
      source: options.source,
      cursor: options.cursor,
      timeoutMs: options.timeoutMs ?? 10_000,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      transport: options.transport ?? fetchTransport,
      clock: options.clock ?? systemClock,
      random: options.random ?? Math.random,
      logger: options.logger ?? createLogger("warn"),
    };
  }

  /** Loads the cursor and starts delivering from the entry after it. */
  async start(): Promise<void> {
    if (this.#running) throw new Error("webhook dispatcher already started");
    this.#cursor = await this.#o.cursor.load();
    this.#queue = [];
    this.#stopping = false;
    this.#stop = new AbortController();
    this.#inFlight = new AbortController();
    this.#delivered = 0;
    this.#running = this.#run();
  }

  /**
   * Stops after the request in flight: by default waits for its answer (at
   * most the timeout) and keeps a confirmation it brings; with
   * `abortInFlight` aborts it, and the entry is sent again after the next
   * start. Either way no entry is skipped.
   */
  async stop(options: { abortInFlight?: boolean } = {}): Promise<void> {
    const running = this.#running;
    if (!running) return;
    this.#stopping = true;
    this.#stop.abort();
    this.#idle?.abort();
    if (options.abortInFlight) this.#inFlight.abort();
    await running;
    this.#running = undefined;
    this.#settleCaughtUp();
  }

  /** New entries may be in the log (the server calls this after a commit). */
  notify(): void {
    this.#notified = true;
    this.#idle?.abort();
  }

  /** Resolves with the cursor the next time the dispatcher finds nothing left to send (or stops). */
  caughtUp(): Promise<bigint> {
    if (!this.#running) return Promise.resolve(this.#cursor);
    return new Promise((resolve) => this.#caughtUp.push(resolve));
  }

  status(): WebhookStatus {
    return {
      running: this.#running !== undefined,
      cursor: this.#cursor,
      delivered: this.#delivered,
      failures: this.#failures,
      ...(this.#lastError !== undefined ? { lastError: this.#lastError } : {}),
    };
  }

  async #run(): Promise<void> {
    try {
      while (!this.#stopping) {
        if (this.#queue.length === 0) {
          this.#notified = false;
          const entries = await this.#read();
          if (entries === undefined) break;
          if (entries.length === 0) {
            this.#settleCaughtUp();
            if (!this.#notified) await this.#idleWait();
            continue;
          }
          this.#queue = entries;
        }
        const sent = await this.#deliver();
        if (sent === undefined) break;
        this.#queue = this.#queue.slice(sent.count);
        this.#cursor = sent.lastPosition;
        this.#delivered += sent.count;
        await this.#persist();
      }
    } catch (err) {
      // Only a bug gets here (every I/O failure is retried); say so loudly.
      this.#lastError = `dispatcher stopped: ${String(err)}`;
      this.#o.logger.error("webhook dispatcher stopped by an unexpected error", { error: String(err) });
    }
  }

  /** Attempts the front of the queue until a 2xx; undefined once stopping. */
  async #deliver(): Promise<FormedRequest | undefined> {
    const { clock, logger } = this.#o;
    for (let n = 1; ; n++) {
      const now = clock.nowMs();
      const req = formRequest(this.#queue, this.#mode, now);
      const headers = requestHeaders(req, this.#secrets, Math.floor(now / 1000), n);
      const outcome = await attempt(this.#o.transport, { url: this.#o.url, headers, body: req.body }, this.#o.timeoutMs, clock, this.#inFlight.signal);
      if (outcome.kind === "answered" && outcome.response.status >= 200 && outcome.response.status < 300) {
        if (this.#failures > 0) logger.info("webhook delivered after retries", { id: req.events[0]?.id, attempts: n });
        this.#failures = 0;
        this.#lastError = undefined;
        return req;
      }
      if (outcome.kind === "aborted") return undefined;
      this.#failures = n;
      this.#lastError = describeFailure(outcome);
      logFailure(logger, outcome, n, { url: this.#logUrl, id: req.events[0]?.id, events: req.events.length });
      if (this.#stopping) return undefined;
      const retryAfter = outcome.kind === "answered" ? outcome.response.retryAfter : undefined;
      const delay = withRetryAfter(backoffDelayMs(n, this.#o.random, this.#o.backoff), retryAfter, this.#o.backoff);
      await clock.sleep(delay, this.#stop.signal);
      if (this.#stopping) return undefined;
    }
  }

  async #read(): Promise<Delivery[] | undefined> {
    for (let failures = 1; !this.#stopping; failures++) {
      try {
        return await this.#o.source.readDeliveries(this.#cursor, Math.max(READ_AHEAD, this.#mode.kind === "batch" ? this.#mode.batchSize : 1));
      } catch (err) {
        this.#o.logger.error("webhook cannot read the delivery log; retrying", { error: String(err), failures });
        await this.#o.clock.sleep(backoffDelayMs(failures, this.#o.random, this.#o.backoff), this.#stop.signal);
      }
    }
    return undefined;
  }

  /** Saves the cursor, retrying: delivering more before it is durable would widen what a crash resends. */
  async #persist(): Promise<void> {
    for (let failures = 1; ; failures++) {
      try {
        await this.#o.cursor.save(this.#cursor);
        return;
      } catch (err) {
        this.#o.logger.error("webhook cannot save its cursor; retrying", { error: String(err), cursor: this.#cursor, failures });
        if (this.#stopping) return; // resent after restart; the receiver dedups
        await this.#o.clock.sleep(backoffDelayMs(failures, this.#o.random, this.#o.backoff), this.#stop.signal);
      }
    }
  }

  async #idleWait(): Promise<void> {
    const idle = new AbortController();
    this.#idle = idle;
    if (!this.#stopping && !this.#notified) await this.#o.clock.sleep(this.#o.pollIntervalMs, idle.signal);
    this.#idle = undefined;
  }

  #settleCaughtUp(): void {
    const waiters = this.#caughtUp;
    this.#caughtUp = [];
    for (const resolve of waiters) resolve(this.#cursor);
  }
}
