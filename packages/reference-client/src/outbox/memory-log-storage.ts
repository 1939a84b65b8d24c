/**
 * A simulated disk for one log: what the conformance toolkit's simulations
 * run the outbox on, so that a crash can happen at any instant and replay
 * from a seed.
 *
 * It keeps what a file system keeps: `sync` makes durable what was appended
 * before it was called, once it resolves; `crash(random)` keeps every
 * durable byte and a random prefix (from none to all) of the rest, so the
 * last unsynced record may be torn, and returns the disk as a restarted
 * process finds it. The crashed instance is dead: its pending syncs reject
 * and later calls throw, as a killed process's would never happen.
 */
import type { LogStorage } from "./log-storage.js";

export class StorageCrashedError extends Error {
  constructor() {
    super("the simulated disk crashed; open the storage crash() returned");
    this.name = "StorageCrashedError";
  }
}

export interface MemoryLogStorageOptions {
  /** How long a sync takes: the promise it awaits before completing. Default: one macrotask. */
  defer?: () => Promise<void>;
}

export interface CrashReport {
  /** Unsynced bytes that survived (a prefix of the unsynced tail). */
  keptUnsynced: number;
  /** Unsynced bytes lost. */
  lostBytes: number;
}

const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class MemoryLogStorage implements LogStorage {
  #bytes: Uint8Array;
  #length: number;
  #synced: number;
  #dead = false;
  readonly #defer: () => Promise<void>;
  /** Syncs completed: the count of fsyncs the outbox paid. */
  syncs = 0;
  lastCrash: CrashReport | undefined;

  constructor(initial: Uint8Array = new Uint8Array(0), options: MemoryLogStorageOptions = {}) {
    this.#bytes = initial.slice();
    this.#length = initial.length;
    this.#synced = initial.length;
    this.#defer = options.defer ?? macrotask;
  }

  /** Everything in the log, synced or not (a copy). */
  get content(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }

  get unsyncedBytes(): number {
    return this.#length - this.#synced;
  }

  read(): Promise<Uint8Array> {
    this.#alive();
    return Promise.resolve(this.content);
  }

  append(bytes: Uint8Array): void {
    this.#alive();
    if (this.#length + bytes.length > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.#length + bytes.length, 4096));
      grown.set(this.#bytes.subarray(0, this.#length));
      this.#bytes = grown;
    }
    this.#bytes.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  async sync(): Promise<void> {
    this.#alive();
    const upTo = this.#length;
    await this.#defer();
    this.#alive();
    this.#synced = Math.max(this.#synced, Math.min(upTo, this.#length));
    this.syncs++;
  }

  async truncate(length: number): Promise<void> {
    this.#alive();
    await this.#defer();
    this.#alive();
    this.#length = Math.min(length, this.#length);
    this.#synced = this.#length;
  }

  async replace(bytes: Uint8Array): Promise<void> {
    this.#alive();
    const copy = bytes.slice();
    await this.#defer();
    this.#alive();
    // The rename is atomic: until here a crash finds the old log.
    this.#bytes = copy;
    this.#length = copy.length;
    this.#synced = copy.length;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * The process dies now: returns the disk as the next process finds it,
   * with the synced bytes and a prefix of the unsynced ones drawn by
   * `random` (uniform in [0, 1), e.g. a seeded Prng's float).
   */
  crash(random: () => number, options: MemoryLogStorageOptions = {}): MemoryLogStorage {
    this.#alive();
    this.#dead = true;
    const tail = this.#length - this.#synced;
    const kept = Math.min(tail, Math.floor(random() * (tail + 1)));
    const after = new MemoryLogStorage(this.#bytes.subarray(0, this.#synced + kept), { defer: options.defer ?? this.#defer });
    after.lastCrash = { keptUnsynced: kept, lostBytes: tail - kept };
    return after;
  }

  #alive(): void {
    if (this.#dead) throw new StorageCrashedError();
  }
}
