/**
 * Where the outbox log lives: the few operations an append-only log needs,
 * so the same outbox runs over real files (FileLogStorage, fsync) and over
 * a simulated disk that can lose its unsynced tail at any instant
 * (MemoryLogStorage) in the conformance toolkit's simulations.
 *
 * Durability contract, the one a file system gives: bytes appended are not
 * durable until a `sync` that started after the append has resolved; a
 * crash keeps every synced byte and some prefix (maybe none) of the bytes
 * appended after the last sync, which may cut a record in the middle.
 */
export interface LogStorage {
  /** Everything in the log now, synced or not. */
  read(): Promise<Uint8Array>;
  /** Adds bytes at the end; not durable until the next sync resolves. */
  append(bytes: Uint8Array): void;
  /** Makes everything appended so far durable. */
  sync(): Promise<void>;
  /** Cuts the log to `length` bytes, durably (a torn tail after a crash). */
  truncate(length: number): Promise<void>;
  /**
   * Replaces the whole log by `bytes`, atomically and durably: after a crash
   * the log is either the old one or the new one (compaction).
   */
  replace(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}
