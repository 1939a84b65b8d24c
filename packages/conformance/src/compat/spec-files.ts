/**
 * Reading one spec tree (the working tree's spec/ or a baseline's). A file
 * that is absent from a tree reads as undefined: fixtures carry only the files
 * a case needs, and a check with its file absent on both sides is skipped.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { CompatInputError } from "./finding.js";
import { jsonLines, type JsonLines } from "./json-lines.js";

export function readText(specDir: string, file: string): string | undefined {
  const path = join(specDir, file);
  return existsSync(path) && statSync(path).isFile() ? readFileSync(path, "utf8") : undefined;
}

export interface JsonFile {
  value: unknown;
  lines: JsonLines;
}

/** Parses a JSON file of a spec tree; a file that is not JSON is an input error of that tree. */
export function readJson(specDir: string, file: string): JsonFile | undefined {
  const text = readText(specDir, file);
  if (text === undefined) return undefined;
  try {
    return { value: JSON.parse(text) as unknown, lines: jsonLines(text) };
  } catch (e) {
    throw new CompatInputError(`${join(specDir, file)} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Names of the files of `specDir/sub` matching `pattern`, sorted; empty when the directory is absent. */
export function listFiles(specDir: string, sub: string, pattern: RegExp): string[] {
  const dir = join(specDir, sub);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => pattern.test(f) && statSync(join(dir, f)).isFile())
    .sort();
}

/** Every file under `specDir/sub`, as paths relative to it, recursively. */
export function listTree(specDir: string, sub: string): string[] {
  const root = join(specDir, sub);
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const child = rel ? `${rel}/${name}` : name;
      if (statSync(join(root, child)).isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk("");
  return out;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
