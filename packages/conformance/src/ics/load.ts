/**
 * Reads and checks a capability statement: JSON, then the schema and its
 * cross-field rules (@ferry/protocol's validateIcs) [CONF-1]. Every problem
 * is one line with its JSON path.
 */
import { readFileSync } from "node:fs";
import { validateIcs } from "@ferry/protocol";
import type { Ics } from "./types.js";

export type IcsResult = { ok: true; ics: Ics } | { ok: false; errors: string[] };

export function checkIcs(value: unknown): IcsResult {
  const result = validateIcs(value);
  return result.ok ? { ok: true, ics: value as Ics } : { ok: false, errors: result.errors };
}

export function readIcs(path: string): IcsResult {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    return { ok: false, errors: [`cannot read ${path}: ${(e as Error).message}`] };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [`(root): not JSON: ${(e as Error).message}`] };
  }
  return checkIcs(value);
}
