/**
 * The vectors' protobuf bytes are plain proto3: a standard implementation
 * (protobuf-es, from descriptors buf compiles out of spec/proto) decodes
 * every valid vector to exactly its `decoded` form, re-encodes canonical
 * bytes identically, and encodes `decoded` to the same bytes Ferry's codec
 * does. Bytes refused as MALFORMED are refused by it too, and bytes refused
 * for a Ferry field rule (INVALID_FIELD, UNKNOWN_MESSAGE, MESSAGE_TOO_LARGE)
 * are valid protobuf to it: the error classes mean the same in any stack.
 */
import { describe, expect, it } from "vitest";
import { CODECS } from "../../src/vectors/codecs.js";
import { fromHex, loadVectors, toHex, type CodecKind, type DecodeVector, type Vector } from "../../src/vectors/index.js";
import { VECTOR_DIR } from "./paths.js";
import { protobufEs } from "./protobuf-es.js";

/**
 * Where Ferry deliberately refuses bytes that protobuf accepts: listed, with
 * the reason, rather than skipped.
 */
const MALFORMED_BUT_VALID_PROTOBUF: Record<string, string> = {
  // Zero bytes are a valid empty protobuf message (no body set); Ferry calls
  // an empty Message MALFORMED rather than UNKNOWN_MESSAGE [ERR-2].
  "malformed-empty-input": "an empty Message is no message at all",
};

const vectors: Vector[] = loadVectors(VECTOR_DIR).flatMap((f) => f.vectors);
const decoding: DecodeVector[] = vectors.flatMap((v): DecodeVector[] => {
  if (v.kind === "exchange") return v.steps.map((s, i) => ({ ...v, name: `${v.name} step ${i + 1}`, kind: "message", hex: s.hex, decoded: s.decoded }));
  if (v.kind === "fragment" || v.kind === "reassemble" || "error" in v) return [];
  return [v];
});
const refused = vectors.flatMap((v) => (v.kind !== "fragment" && v.kind !== "reassemble" && v.kind !== "exchange" && "error" in v ? [v] : []));

describe("cross-implementation: protobuf-es reads the vectors as plain proto3", () => {
  const other = protobufEs();

  it.each(decoding.map((v) => [v.name, v] as const))("[ENV-7] [VER-4] %s decodes to the same JSON and encodes to the same bytes", (_name, v) => {
    const bytes = fromHex(v.hex);
    expect(other.decodeToJson(v.kind, bytes)).toEqual(v.decoded);
    // Ferry's canonical encoding of the meaning; for canonical vectors it is the vector's own hex.
    const canonical = v.canonical === false ? toHex(CODECS[v.kind].jsonToBytes(v.decoded)) : v.hex;
    expect(toHex(other.encodeJson(v.kind, v.decoded))).toBe(canonical);
    if (v.canonical !== false) expect(toHex(other.reencode(v.kind, bytes))).toBe(v.hex);
  });

  it.each(refused.map((v) => [v.name, v] as const))("[ERR-2] %s: the error class agrees with protobuf", (name, v) => {
    const decode = () => other.decodeToJson(v.kind as CodecKind, fromHex(v.hex));
    if (v.error === "MALFORMED" && !(name in MALFORMED_BUT_VALID_PROTOBUF)) expect(decode).toThrow();
    else expect(decode).not.toThrow();
  });

  it("covers every valid message, batch, ack, device info and exchange step", () => {
    expect(new Set(decoding.map((v) => v.kind))).toEqual(new Set<CodecKind>(["message", "batch", "ack", "device-info"]));
    expect(decoding.length).toBeGreaterThanOrEqual(80);
  });
});
