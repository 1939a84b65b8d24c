/**
 * Codec throughput: messages encoded and decoded per second by each codec of
 * codecs.ts, for each fixture. Each codec runs in a process of its own
 * (child.ts); the codecs of one fixture are timed in turn within each run,
 * starting with a different one each run, so a ratio is taken per run (the
 * same machine state on both sides) and its median reported.
 */
import { fileURLToPath } from "node:url";
import { encodeMessage } from "@ferry/protocol";
import { ChildRpc } from "../child-rpc.js";
import { pairedRatios, repeat, summarize, type Stat } from "../stats.js";
import { bytesPerEvent, type BytesPerEvent } from "./bytes-per-event.js";
import type { CodecRequest, CodecRun } from "./child.js";
import { checkCodecs, CODEC_NAMES, type CodecName } from "./codecs.js";
import { codecFixtures } from "./fixtures.js";

const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));

export interface CodecOptions {
  runs: number;
  /** Length of one timed run of one codec and direction. */
  runMs: number;
}

export interface CodecFigure {
  fixture: string;
  codec: CodecName;
  /** Messages per second. */
  encode: Stat;
  decode: Stat;
}

export interface CodecRatio {
  fixture: string;
  direction: "encode" | "decode";
  /** numerator's rate / denominator's rate, per run. */
  numerator: CodecName;
  denominator: CodecName;
  ratio: Stat;
}

export interface CodecSection {
  fixtures: { name: string; description: string; bytes: number; events: number }[];
  figures: CodecFigure[];
  ratios: CodecRatio[];
  bytesPerEvent: BytesPerEvent[];
}

/** The comparisons the summary reports. */
export const CODEC_RATIOS: readonly [CodecName, CodecName][] = [
  ["generated", "reflection"],
  ["generated", "json"],
  ["ferry", "reflection"],
  ["ferry", "json"],
];

export async function benchCodecs(o: CodecOptions): Promise<CodecSection> {
  const section: CodecSection = { fixtures: [], figures: [], ratios: [], bytesPerEvent: bytesPerEvent() };
  const children = await Promise.all(CODEC_NAMES.map((name) => ChildRpc.start(CHILD, [name]).then(({ rpc }) => ({ name, rpc }))));
  try {
    for (const f of codecFixtures()) {
      await checkCodecs(f.message);
      section.fixtures.push({ name: f.name, description: f.description, bytes: encodeMessage(f.message).length, events: f.events });
      // Calibration is each child's warm-up; one child at a time, so none competes with another for the CPU.
      for (const c of children) await c.rpc.request<null>({ op: "prepare", fixture: f.name, runMs: o.runMs } satisfies CodecRequest);
      const samples = children.map(() => ({ encode: [] as number[], decode: [] as number[] }));
      await repeat(o.runs, async (run) => {
        // Each run starts with the next codec, so none always runs first (or right after the heaviest).
        for (let k = 0; k < children.length; k++) {
          const i = (run + k) % children.length;
          const r = await children[i]!.rpc.request<CodecRun>({ op: "run", fixture: f.name } satisfies CodecRequest);
          samples[i]!.encode.push(r.encode);
          samples[i]!.decode.push(r.decode);
        }
        return 0;
      });
      children.forEach((c, i) => {
        section.figures.push({ fixture: f.name, codec: c.name, encode: summarize(samples[i]!.encode, "msg/s"), decode: summarize(samples[i]!.decode, "msg/s") });
      });
      const of = (name: CodecName) => samples[children.findIndex((c) => c.name === name)]!;
      for (const [num, den] of CODEC_RATIOS) {
        for (const direction of ["encode", "decode"] as const) {
          const ratio = summarize(pairedRatios(of(num)[direction], of(den)[direction]), "x");
          section.ratios.push({ fixture: f.name, direction, numerator: num, denominator: den, ratio });
        }
      }
    }
  } finally {
    await Promise.all(children.map((c) => c.rpc.close()));
  }
  return section;
}
