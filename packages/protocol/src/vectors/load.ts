/**
 * Loads every vector file of a directory (spec/vectors): the only part of
 * src/vectors that touches the file system, kept apart so the checker stays
 * usable on vectors from anywhere.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseVectorFile, VectorFileError } from "./parse.js";
import type { Vector, VectorFile } from "./types.js";

export interface LoadedVectorFile extends VectorFile {
  /** The file name within the directory, e.g. "messages.json". */
  file: string;
}

/** Every `*.json` file of `dir`, in name order; throws VectorFileError on a bad file or a name used twice. */
export function loadVectors(dir: string): LoadedVectorFile[] {
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  const loaded = files.map((file) => {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(join(dir, file), "utf8"));
    } catch (e) {
      throw new VectorFileError(`${file}: ${(e as Error).message}`);
    }
    return { file, ...parseVectorFile(json, file) };
  });
  checkUniqueNames(loaded.flatMap((f) => f.vectors.map((v) => [f.file, v] as const)));
  return loaded;
}

/** Vector names are unique across all files: a name identifies a vector in reports. */
export function checkUniqueNames(vectors: Iterable<readonly [string, Vector]>): void {
  const seen = new Map<string, string>();
  for (const [file, v] of vectors) {
    const prior = seen.get(v.name);
    if (prior !== undefined) throw new VectorFileError(`vector name ${v.name} used in ${prior} and ${file}`);
    seen.set(v.name, file);
  }
}
