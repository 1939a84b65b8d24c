/**
 * Shared test helpers: real SQLite files in a fresh temp dir, request
 * builders, and the same deterministic fast-check configuration as the
 * protocol package (FERRY_SEED replays a run).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import type { Accounting, AccountedRange, EventRun, Priority } from "@ferry/protocol";
import { SqliteStore, type Delivery, type IngestRequest, type Store } from "../../src/store/index.js";

export const SEED = Number(process.env.FERRY_SEED ?? 20261122);
fc.configureGlobal({ seed: SEED, numRuns: Number(process.env.FERRY_RUNS ?? 100) });

export const DEVICE = new Uint8Array([0xd0, 0x01]);
export const EPOCH = 0x5a17c0de;

/** A temp dir removed by `cleanup`; `open` gives a store on a new file in it. */
export function tempDir(): { dir: string; file: (name?: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "ferry-store-"));
  let n = 0;
  return {
    dir,
    file: (name) => join(dir, name ?? `store-${n++}.db`),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function openStore(path: string): SqliteStore {
  return SqliteStore.open(path);
}

export function bytes(...b: number[]): Uint8Array {
  return new Uint8Array(b);
}

export function run(
  firstSeq: bigint,
  payloads: Uint8Array[],
  opts: { stream?: number; epoch?: number; ttlMs?: number; priority?: Priority } = {},
): EventRun {
  return {
    stream: opts.stream ?? 1,
    epoch: opts.epoch ?? EPOCH,
    firstSeq,
    priority: opts.priority ?? "bulk",
    ttlMs: opts.ttlMs ?? 0,
    payloads,
    signatures: [],
  };
}

export function accounting(ranges: AccountedRange[], opts: { stream?: number; epoch?: number } = {}): Accounting {
  return { stream: opts.stream ?? 1, epoch: opts.epoch ?? EPOCH, ranges };
}

export function request(parts: { runs?: EventRun[]; accountings?: Accounting[]; nowMs?: number; deviceId?: Uint8Array }): IngestRequest {
  return {
    deviceId: parts.deviceId ?? DEVICE,
    runs: parts.runs ?? [],
    accountings: parts.accountings ?? [],
    nowMs: parts.nowMs ?? 1_000,
  };
}

/** Every delivery in the log, from the start. */
export async function allDeliveries(store: Store): Promise<Delivery[]> {
  const out: Delivery[] = [];
  let cursor = 0n;
  for (;;) {
    const page = await store.readDeliveries(cursor, 500);
    if (page.length === 0) return out;
    out.push(...page);
    cursor = page[page.length - 1]!.position;
  }
}

/** The log as compact strings per item, e.g. "e1:0" or "a1:2-3:expired" (stream:seqs). */
export function show(d: Delivery): string {
  return d.kind === "event" ? `e${d.stream}@${d.epoch}:${d.seq}` : `a${d.stream}@${d.epoch}:${d.first}-${d.last}:${d.reason}`;
}
