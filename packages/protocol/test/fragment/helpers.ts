/**
 * Shared test helpers for fragmentation: deterministic SDU bytes, streams of
 * fragmented SDUs that remember which SDU each fragment belongs to, and a
 * driver that pushes fragments and collects what the reassembler reports.
 */
import fc from "fast-check";
import type { ErrorName } from "../../src/errors.js";
import { Fragmenter, Reassembler, type ReassemblerOptions } from "../../src/fragment/index.js";

/** Bytes from a seed (mulberry32): random content without fast-check generating every byte. */
export function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return out;
}

/** An SDU of length 1..max with seeded content. */
export const sduArb = (max: number, min = 1) =>
  fc.tuple(fc.integer({ min, max }), fc.integer()).map(([n, seed]) => bytes(n, seed));

export const mtuArb = fc.integer({ min: 23, max: 517 });

/** Fragments of several SDUs in send order, with the SDU index of each fragment. */
export interface Stream {
  sdus: Uint8Array[];
  fragments: Uint8Array[];
  owner: number[];
}

export function fragmentStream(sdus: Uint8Array[], mtu: number | number[], fragmenter = new Fragmenter({ maxMessage: 16383 })): Stream {
  const fragments: Uint8Array[] = [];
  const owner: number[] = [];
  sdus.forEach((sdu, i) => {
    const m = typeof mtu === "number" ? mtu : mtu[i % mtu.length]!;
    for (const f of fragmenter.fragment(sdu, m)) {
      fragments.push(f);
      owner.push(i);
    }
  });
  return { sdus, fragments, owner };
}

export interface Outcome {
  sdus: Uint8Array[];
  errors: ErrorName[];
}

/** Pushes every fragment, then optionally ends the link, collecting SDUs and error names in order. */
export function reassemble(fragments: Iterable<Uint8Array>, r: Reassembler | ReassemblerOptions = {}, end = true): Outcome {
  const reassembler = r instanceof Reassembler ? r : new Reassembler({ maxMessage: 16383, ...r });
  const out: Outcome = { sdus: [], errors: [] };
  const take = (res: { sdus: Uint8Array[]; errors: { errorName: ErrorName }[] }) => {
    out.sdus.push(...res.sdus);
    out.errors.push(...res.errors.map((e) => e.errorName));
  };
  for (const f of fragments) take(reassembler.push(f));
  if (end) take(reassembler.end());
  return out;
}

/** Rewrites the counters of a fragment list to run consecutively from `start`, keeping the first flags. */
export function renumber(fragments: Uint8Array[], start = 0): Uint8Array[] {
  return fragments.map((f, i) => {
    const g = f.slice();
    if (g.length > 0) g[0] = (g[0]! & 0x80) | ((start + i) & 0x7f);
    return g;
  });
}

/** Fragments of `count` one-byte SDUs pushed through both ends first, so counters start anywhere. */
export function warmUp(fragmenter: Fragmenter, reassembler: Reassembler, count: number): void {
  for (let i = 0; i < count; i++) {
    for (const f of fragmenter.fragment(Uint8Array.of(i & 0xff), 23)) reassembler.push(f);
  }
}
