/**
 * One codec's timing loops, in a process of its own (child-rpc.ts): V8
 * optimizes each codec for the shapes it alone sees, as in an application
 * that uses one codec, and no codec's warm-up shapes another's figures
 * (protobufjs's static and reflected codecs share their Writer and Reader).
 *
 * Requests: { op: "prepare", fixture, runMs } binds and calibrates (the
 * warm-up); { op: "run", fixture } times one run of encode and decode.
 */
import { serveRpc } from "../child-rpc.js";
import { calibrate, opsPerSecond } from "../throughput.js";
import { bindCodec, CODEC_NAMES, type BoundCodec, type CodecName } from "./codecs.js";
import { codecFixtures } from "./fixtures.js";

export type CodecRequest = { op: "prepare"; fixture: string; runMs: number } | { op: "run"; fixture: string };
export interface CodecRun {
  encode: number;
  decode: number;
}

const name = process.argv[2] as CodecName;
if (!(CODEC_NAMES as readonly string[]).includes(name) || !process.send) {
  process.stderr.write(`usage: child.ts CODEC (one of ${CODEC_NAMES.join(", ")}), with an IPC channel\n`);
  process.exit(2);
}

const prepared = new Map<string, { codec: BoundCodec; encodeCalls: number; decodeCalls: number }>();

serveRpc({ codec: name }, async (body) => {
  const r = body as CodecRequest;
  if (r.op === "prepare") {
    const fixture = codecFixtures().find((f) => f.name === r.fixture);
    if (!fixture) throw new Error(`unknown fixture ${r.fixture}`);
    const codec = await bindCodec(name, fixture.message);
    prepared.set(r.fixture, { codec, encodeCalls: calibrate(codec.encode, r.runMs), decodeCalls: calibrate(codec.decode, r.runMs) });
    return null;
  }
  const p = prepared.get(r.fixture);
  if (!p) throw new Error(`fixture ${r.fixture} not prepared`);
  return { encode: opsPerSecond(p.codec.encode, p.encodeCalls), decode: opsPerSecond(p.codec.decode, p.decodeCalls) } satisfies CodecRun;
});
