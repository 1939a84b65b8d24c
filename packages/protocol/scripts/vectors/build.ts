/**
 * Builders that turn a TypeScript definition into a vector: the bytes come
 * from this implementation's encoders (or, for bytes no encoder would write,
 * from the generated wire codec or literal hex), and the decoded form from
 * its decoders, so a definition states meaning and the files state bytes.
 */
import { encodeAck, encodeBatch, encodeDeviceInfo, encodeMessage } from "../../src/codec/binary.js";
import type { ErrorName } from "../../src/errors.js";
import { ferry } from "../../src/generated/ferry.js";
import type * as M from "../../src/message.js";
import { CODECS } from "../../src/vectors/codecs.js";
import { fromHex, toHex } from "../../src/vectors/hex.js";
import type { CodecKind, DecodeVector, ExchangeStep, Party, RefuseVector } from "../../src/vectors/types.js";

export interface About {
  name: string;
  description: string;
  requirements: string[];
}

/** Hex written with spaces and line breaks for reading; vectors store it packed. */
export const hex = (s: string): Uint8Array => fromHex(s.replace(/\s+/g, ""));

export function decodes(kind: CodecKind, about: About, bytes: Uint8Array, extra: { maxMessage?: number; canonical?: false } = {}): DecodeVector {
  const opts = extra.maxMessage === undefined ? {} : { maxMessage: extra.maxMessage };
  const decoded = CODECS[kind].bytesToJson(bytes, opts);
  return { ...about, kind, hex: toHex(bytes), decoded, ...extra };
}

export function refuses(kind: CodecKind, about: About, bytes: Uint8Array, error: ErrorName, maxMessage?: number): RefuseVector {
  return { ...about, kind, hex: toHex(bytes), error, ...(maxMessage === undefined ? {} : { maxMessage }) };
}

export const message = (about: About, m: M.Message, extra?: { maxMessage?: number }) => decodes("message", about, encodeMessage(m), extra);
export const batch = (about: About, b: M.Batch) => decodes("batch", about, encodeBatch(b));
export const ackVector = (about: About, a: M.Ack) => decodes("ack", about, encodeAck(a));
export const deviceInfoVector = (about: About, d: M.DeviceInfo) => decodes("device-info", about, encodeDeviceInfo(d));

/**
 * The generated wire codec, for bytes the validated encoders refuse to
 * express (unknown enum values, a run without payloads): it writes exactly
 * the fields given.
 */
const pb = ferry.v1;
export const wire = {
  message: (o: ferry.v1.IMessage) => pb.Message.encode(o).finish(),
  batch: (o: ferry.v1.IBatch) => pb.Batch.encode(o).finish(),
  ack: (o: ferry.v1.IAck) => pb.Ack.encode(o).finish(),
  deviceInfo: (o: ferry.v1.IDeviceInfo) => pb.DeviceInfo.encode(o).finish(),
};

/** An enum number outside a closed enum [VER-5], which the generated types cannot name. */
export const outOfRange = (n: number): never => n as never;

/** One step of an exchange: the message as `from` sends it. */
export function step(from: Party, m: M.Message): ExchangeStep {
  const bytes = encodeMessage(m);
  return { from, hex: toHex(bytes), decoded: CODECS.message.bytesToJson(bytes, {}) };
}
