/**
 * Where the webhook dispatcher keeps its cursor: the log position of the
 * last entry the receiver confirmed. It must survive a crash, or a restart
 * would hand off again what was confirmed [LIFE-12]; the receiver's dedup
 * makes that harmless but not free. The file store replaces the file
 * atomically (temp file, fsync, rename, fsync of the directory), so a crash
 * leaves either the old cursor or the new one, never a torn one.
 */
import { open, readFile, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export interface CursorStore {
  /** The saved cursor, 0n when none was saved yet. */
  load(): Promise<bigint>;
  /** Durable when the promise resolves. */
  save(cursor: bigint): Promise<void>;
}

export class MemoryCursorStore implements CursorStore {
  /** Every value saved, in order (tests assert on it). */
  readonly saved: bigint[] = [];
  #cursor: bigint;

  constructor(initial: bigint = 0n) {
    this.#cursor = initial;
  }

  async load(): Promise<bigint> {
    return this.#cursor;
  }

  async save(cursor: bigint): Promise<void> {
    this.#cursor = cursor;
    this.saved.push(cursor);
  }
}

export class FileCursorStore implements CursorStore {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  async load(): Promise<bigint> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0n;
      throw err;
    }
    // A damaged file is refused rather than read as 0: restarting from the
    // start of the log would resend everything without anyone noticing.
    const match = /^(\d{1,20})\n?$/.exec(text);
    if (!match?.[1]) throw new Error(`webhook cursor file ${this.path} is damaged: ${JSON.stringify(text.slice(0, 40))}`);
    return BigInt(match[1]);
  }

  async save(cursor: bigint): Promise<void> {
    if (cursor < 0n) throw new Error(`webhook cursor must not be negative: ${cursor}`);
    const dir = dirname(this.path);
    const temp = join(dir, `.${basename(this.path)}.tmp`);
    const file = await open(temp, "w", 0o600);
    try {
      await file.writeFile(`${cursor}\n`, "utf8");
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await rename(temp, this.path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    await syncDirectory(dir);
  }
}

/** Makes the rename durable; platforms that cannot fsync a directory skip it. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EBADF") throw err;
  } finally {
    await handle?.close();
  }
}
