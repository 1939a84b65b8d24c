/**
 * The resume token key [SEC-4]: given on the command line (hex, repeatable
 * for rotation: the first mints, all verify), or by default a random 32-byte
 * key kept beside the database in PATH.key (mode 0600), so tokens survive a
 * restart and a restarted server resumes every session (chapter 7.1.4).
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

export const RESUME_KEY_BYTES = 32;

export function parseKeyHex(text: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2}){16,64}$/.test(text.trim())) throw new RangeError("a resume key is 16 to 64 bytes in hex (32 recommended)");
  return new Uint8Array(Buffer.from(text.trim(), "hex"));
}

export function keyFileFor(dbPath: string): string {
  return `${dbPath}.key`;
}

/** Reads PATH.key, or creates it with a fresh random key; an in-memory database gets a key in memory. */
export function loadOrCreateKey(dbPath: string): Uint8Array {
  if (dbPath === ":memory:") return new Uint8Array(randomBytes(RESUME_KEY_BYTES));
  const file = keyFileFor(dbPath);
  try {
    return parseKeyHex(readFileSync(file, "utf8"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`${file}: ${(e as Error).message}`);
  }
  const key = new Uint8Array(randomBytes(RESUME_KEY_BYTES));
  try {
    // "wx": never overwrite a key another process created meanwhile.
    writeFileSync(file, `${Buffer.from(key).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return parseKeyHex(readFileSync(file, "utf8"));
    throw e;
  }
}
