/**
 * Golden test vectors: the shape of spec/vectors/*.json (described for
 * vendors in spec/vectors/README.md and spec/schemas/vectors.schema.json).
 *
 * A vector is data any implementation can run: bytes and the meaning they
 * decode to, bytes and the error they must raise, an SDU and the fragments a
 * sender must produce, fragments and what a receiver must report, or a whole
 * handshake as the messages both sides exchange.
 */
import type { ErrorName } from "../errors.js";
import type { JsonValue } from "../codec/json.js";

/** Kinds whose vectors are one encoding of one protobuf message. */
export type CodecKind = "message" | "batch" | "ack" | "device-info";
export type VectorKind = CodecKind | "fragment" | "reassemble" | "exchange";

interface VectorBase {
  /** Unique across every vector file, kebab-case. */
  name: string;
  description: string;
  /** Requirement ids the vector exercises, e.g. "ENV-1". */
  requirements: string[];
}

/** Bytes that decode to `decoded`, the proto3 canonical JSON form. */
export interface DecodeVector extends VectorBase {
  kind: CodecKind;
  hex: string;
  decoded: JsonValue;
  /** Decode with this max_message [ENV-8]. */
  maxMessage?: number;
  /**
   * false: `hex` is a legal but not canonical encoding (unknown fields, fields
   * out of order, unpacked repeated scalars); encoders produce other bytes.
   * Absent: canonical, so encoding `decoded` gives exactly `hex`.
   */
  canonical?: false;
}

/** Bytes a decoder must refuse with the named error [ERR-2]. */
export interface RefuseVector extends VectorBase {
  kind: CodecKind;
  hex: string;
  error: ErrorName;
  maxMessage?: number;
}

export type CodecVector = DecodeVector | RefuseVector;

/** Exactly what a sender's fragmenter writes for one SDU [FRAG-1]. */
export interface FragmentVector extends VectorBase {
  kind: "fragment";
  /** Negotiated ATT MTU; fragments are at most min(mtu - 3, 512) bytes. */
  mtu: number;
  /** The sender's counter before the SDU's first fragment. */
  counter: number;
  sdu: string;
  fragments: string[];
}

export type ReassemblyOutcome = { sdu: string } | { error: ErrorName };

/**
 * Fragments fed in order to a fresh receiver (expected counter 0); `expect`
 * lists, in order, every SDU completed and every error reported.
 */
export interface ReassembleVector extends VectorBase {
  kind: "reassemble";
  maxMessage: number;
  fragments: string[];
  expect: ReassemblyOutcome[];
}

export type Party = "app" | "server" | "device";
export type Leg = "app-server" | "app-device";

export interface ExchangeStep {
  from: Party;
  hex: string;
  decoded: JsonValue;
}

/** A handshake or resume as the messages both sides exchange, in order. */
export interface ExchangeVector extends VectorBase {
  kind: "exchange";
  leg: Leg;
  steps: ExchangeStep[];
}

export type Vector = CodecVector | FragmentVector | ReassembleVector | ExchangeVector;

export interface VectorFile {
  $schema: string;
  group: string;
  description: string;
  vectors: Vector[];
}

export function isRefuseVector(v: CodecVector): v is RefuseVector {
  return "error" in v;
}

export const CODEC_KINDS: readonly CodecKind[] = ["message", "batch", "ack", "device-info"];
export const LEG_PARTIES: Readonly<Record<Leg, readonly Party[]>> = {
  "app-server": ["app", "server"],
  "app-device": ["app", "device"],
};
