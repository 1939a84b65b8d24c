/**
 * Flash kept in a file, for the host build: a write goes to a temporary
 * file beside it, is fsync'd, renamed over the image and the directory
 * fsync'd, so a kill -9 or power loss at any instant leaves the old image
 * or the new one [LIFE-3]. A file that is missing reads as blank flash; a
 * file that is there but torn or corrupted still reads, and the image's
 * checksum tells (image.ts) [ID-2].
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Flash } from "./flash.js";

export class FileFlash implements Flash {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  read(): Uint8Array | undefined {
    try {
      return new Uint8Array(readFileSync(this.path));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  }

  write(image: Uint8Array): void {
    const tmp = join(dirname(this.path), `.${basename(this.path)}.tmp`);
    const fd = openSync(tmp, "w", 0o600);
    try {
      for (let at = 0; at < image.length; ) at += writeSync(fd, image, at, image.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    syncDirectory(dirname(this.path));
  }
}

/** The rename is durable only once the directory entry is (POSIX). */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
