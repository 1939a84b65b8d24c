/**
 * Writes the outbox log: appends framed records, makes them durable with
 * group commit (one fsync covers every record appended before it started,
 * so many takes share one), and swaps in a compacted log.
 *
 * Records are numbered (positions) for the life of the writer; `durable` is
 * the highest position known durable. Storage operations run one at a time
 * on a chain. While a compaction's replace runs, appends wait in memory and
 * go to the new log after it; a sync asked for meanwhile runs after the
 * compaction, so nothing is reported durable that only the old log held.
 *
 * A failed fsync poisons the writer: after such a failure the OS may have
 * dropped the dirty pages and a later fsync may succeed without them, so
 * nothing appended may be trusted durable again; every later call fails
 * and the app reopens the outbox from disk.
 */
import { frameRecord } from "./frame.js";
import type { LogStorage } from "./log-storage.js";

interface QueuedSync {
  promise: Promise<void>;
}

export class LogWriter {
  readonly #storage: LogStorage;
  readonly #onDurable: (position: number) => void;
  #chain: Promise<void> = Promise.resolve();
  #queued: QueuedSync | undefined;
  /** The sync running now and the position it covers. */
  #running: { upTo: number; promise: Promise<void> } | undefined;
  #appended = 0;
  #durable = 0;
  #logBytes: number;
  /** Frames appended while a replace runs, for the new log. */
  #held: Uint8Array[] | undefined;
  #failed: Error | undefined;

  constructor(storage: LogStorage, logBytes: number, onDurable: (position: number) => void = () => {}) {
    this.#storage = storage;
    this.#logBytes = logBytes;
    this.#onDurable = onDurable;
  }

  get appended(): number {
    return this.#appended;
  }

  get durable(): number {
    return this.#durable;
  }

  /** Bytes the log holds now, appended records included. */
  get logBytes(): number {
    return this.#logBytes;
  }

  get failed(): Error | undefined {
    return this.#failed;
  }

  /** Appends one record; returns its position. Not durable until a sync. */
  append(body: Uint8Array): number {
    this.#check();
    const frame = frameRecord(body);
    if (this.#held) this.#held.push(frame);
    else this.#storage.append(frame);
    this.#logBytes += frame.length;
    return ++this.#appended;
  }

  /** Resolves once every record appended before this call is durable [ACK-2]. */
  sync(): Promise<void> {
    if (this.#failed) return Promise.reject(this.#failed);
    if (this.#durable === this.#appended) return Promise.resolve();
    // The running sync may already cover everything; one not started yet covers this caller's records too.
    if (this.#running && this.#running.upTo === this.#appended) return this.#running.promise;
    if (this.#queued) return this.#queued.promise;
    const queued: QueuedSync = { promise: Promise.resolve() };
    queued.promise = this.#enqueue(async () => {
      if (this.#queued === queued) this.#queued = undefined;
      const upTo = this.#appended;
      this.#running = { upTo, promise: queued.promise };
      try {
        await this.#storage.sync();
      } finally {
        this.#running = undefined;
      }
      this.#advance(upTo);
    });
    this.#queued = queued;
    return queued.promise;
  }

  /**
   * Replaces the log by the records `snapshot` returns when the compaction
   * starts (the live state at that instant), atomically and durably.
   */
  compact(snapshot: () => Uint8Array[]): Promise<void> {
    if (this.#failed) return Promise.reject(this.#failed);
    return this.#enqueue(async () => {
      const upTo = this.#appended;
      const frames = snapshot().map(frameRecord);
      const bytes = concat(frames);
      this.#held = [];
      await this.#storage.replace(bytes);
      const held = this.#held;
      this.#held = undefined;
      this.#logBytes = bytes.length;
      for (const f of held) {
        this.#storage.append(f);
        this.#logBytes += f.length;
      }
      this.#advance(upTo);
    });
  }

  /** Cuts a torn tail before anything is appended. */
  truncate(length: number): Promise<void> {
    return this.#enqueue(async () => {
      await this.#storage.truncate(length);
      this.#logBytes = length;
    });
  }

  /** Waits for every queued operation, then closes the storage. */
  async close(): Promise<void> {
    await this.#chain.catch(() => {});
    await this.#storage.close();
  }

  #advance(upTo: number): void {
    if (upTo <= this.#durable) return;
    this.#durable = upTo;
    this.#onDurable(upTo);
  }

  #enqueue(op: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(async () => {
      this.#check();
      try {
        await op();
      } catch (e) {
        this.#failed ??= e instanceof Error ? e : new Error(String(e));
        throw this.#failed;
      }
    });
    this.#chain = run.catch(() => {});
    return run;
  }

  #check(): void {
    if (this.#failed) throw new Error(`the outbox log failed and must be reopened: ${this.#failed.message}`, { cause: this.#failed });
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
