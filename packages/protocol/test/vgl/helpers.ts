/** Shared helpers of the VGL tests: hex, and running a FrameDecoder over chunks. */
import { FrameDecoder, type Frame, type VglError } from "../../src/vgl/index.js";

export const bytes = (hex: string) => Uint8Array.from(hex.trim().split(/\s+/).filter(Boolean).map((x) => parseInt(x, 16)));
export const hexOf = (a: Uint8Array) => [...a].map((x) => x.toString(16).padStart(2, "0")).join(" ");

export interface Decoded {
  frames: Frame[];
  /** The first error any push returned. */
  error: VglError | undefined;
  /** Bytes left buffered after the last push. */
  buffered: number;
}

/** Feeds `chunks` to one decoder and gathers what all pushes returned. */
export function decodeChunks(chunks: Uint8Array[]): Decoded {
  const decoder = new FrameDecoder();
  const frames: Frame[] = [];
  let error: VglError | undefined;
  for (const chunk of chunks) {
    const out = decoder.push(chunk);
    frames.push(...out.frames);
    error ??= out.error;
  }
  return { frames, error, buffered: decoder.buffered };
}

/** `stream` cut at the given offsets (sorted, deduplicated, within bounds). */
export function split(stream: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.min(c, stream.length)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const p of [...points, stream.length]) {
    chunks.push(stream.slice(at, p));
    at = p;
  }
  return chunks;
}
