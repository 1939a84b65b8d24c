/**
 * The outbox log in a real file: appends with write(2), durability with
 * fsync(2), compaction by writing a new log to a temporary file, fsync,
 * rename over the log, fsync of the directory (so the rename itself is
 * durable) [ACK-2] [LIFE-5].
 *
 * Appends are synchronous writes to the file (the page cache): cheap, and a
 * killed process loses none of them; only a power loss or an OS crash can
 * lose what no fsync covered, which is what the outbox's sync is for.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { LogStorage } from "./log-storage.js";

const fsyncFd = (fd: number): Promise<void> => new Promise((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve())));

function fsyncDir(dir: string): void {
  // Directories cannot be fsync'd on every platform (Windows); there rename is already durable enough.
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EISDIR" && (e as NodeJS.ErrnoException).code !== "EPERM") throw e;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export class FileLogStorage implements LogStorage {
  readonly path: string;
  readonly #dir: string;
  #fd: number;

  private constructor(file: string, fd: number) {
    this.path = file;
    this.#dir = path.dirname(file);
    this.#fd = fd;
  }

  /** Opens (or creates) the log at `file`; a temporary file left by a compaction cut short is removed. */
  static open(file: string): FileLogStorage {
    const existed = fs.existsSync(file);
    fs.rmSync(FileLogStorage.tempOf(file), { force: true });
    const storage = new FileLogStorage(file, fs.openSync(file, "a+"));
    if (!existed) fsyncDir(storage.#dir); // the new file's name is durable too
    return storage;
  }

  static tempOf(file: string): string {
    return `${file}.compact`;
  }

  read(): Promise<Uint8Array> {
    return fs.promises.readFile(this.path);
  }

  append(bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length; ) at += fs.writeSync(this.#fd, bytes, at, bytes.length - at);
  }

  sync(): Promise<void> {
    return fsyncFd(this.#fd);
  }

  async truncate(length: number): Promise<void> {
    fs.ftruncateSync(this.#fd, length);
    await fsyncFd(this.#fd);
  }

  async replace(bytes: Uint8Array): Promise<void> {
    const temp = FileLogStorage.tempOf(this.path);
    const fd = fs.openSync(temp, "w");
    try {
      for (let at = 0; at < bytes.length; ) at += fs.writeSync(fd, bytes, at, bytes.length - at);
      await fsyncFd(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, this.path);
    fsyncDir(this.#dir);
    fs.closeSync(this.#fd);
    this.#fd = fs.openSync(this.path, "a+");
  }

  close(): Promise<void> {
    fs.closeSync(this.#fd);
    return Promise.resolve();
  }
}
