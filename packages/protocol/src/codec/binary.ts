/**
 * Binary codec: bytes <-> validated messages, through the generated protobufjs
 * static code. Decoding refuses, with the error table's code, anything the
 * spec calls malformed, oversized, unknown or invalid [ERR-2].
 */
import "./runtime.js";
import { ferry } from "../generated/ferry.js";
import { ProtocolError } from "../errors.js";
import type * as M from "../message.js";
import * as from from "./from-wire.js";
import * as to from "./to-wire.js";

const pb = ferry.v1;

export interface DecodeOptions {
  /** Largest accepted encoding in bytes [ENV-8]; larger input is MESSAGE_TOO_LARGE. */
  maxMessage?: number;
}

function wireDecode<T>(bytes: Uint8Array, what: string, opts: DecodeOptions, decode: (b: Uint8Array) => T): T {
  if (opts.maxMessage !== undefined && bytes.length > opts.maxMessage) {
    throw new ProtocolError("MESSAGE_TOO_LARGE", `${what} of ${bytes.length} bytes exceeds ${opts.maxMessage}`);
  }
  try {
    return decode(bytes);
  } catch (e) {
    throw new ProtocolError("MALFORMED", `${what} does not decode: ${(e as Error).message}`);
  }
}

export function encodeMessage(m: M.Message): Uint8Array {
  return pb.Message.encode(to.message(m)).finish();
}

export function decodeMessage(bytes: Uint8Array, opts: DecodeOptions = {}): M.Message {
  // [ERR-2] an empty buffer is no message at all, not an unknown one.
  if (bytes.length === 0) throw new ProtocolError("MALFORMED", "empty message");
  return from.message(wireDecode(bytes, "message", opts, (b) => pb.Message.decode(b)));
}

export function encodeBatch(b: M.Batch): Uint8Array {
  return pb.Batch.encode({ hello: to.hello(b.hello), messages: b.messages.map(to.message) }).finish();
}

export function decodeBatch(bytes: Uint8Array, opts: DecodeOptions = {}): M.Batch {
  const w = wireDecode(bytes, "batch", opts, (b) => pb.Batch.decode(b));
  if (!w.hello) throw new ProtocolError("INVALID_FIELD", "batch without hello");
  return { hello: from.hello(w.hello), messages: w.messages.map((m) => from.message(m as ferry.v1.Message)) };
}

export function encodeAck(a: M.Ack): Uint8Array {
  return pb.Ack.encode(to.ack(a)).finish();
}

export function decodeAck(bytes: Uint8Array, opts: DecodeOptions = {}): M.Ack {
  return from.ack(wireDecode(bytes, "ack", opts, (b) => pb.Ack.decode(b)));
}

export function encodeDeviceInfo(d: M.DeviceInfo): Uint8Array {
  return pb.DeviceInfo.encode(to.deviceInfo(d)).finish();
}

export function decodeDeviceInfo(bytes: Uint8Array, opts: DecodeOptions = {}): M.DeviceInfo {
  return from.deviceInfo(wireDecode(bytes, "device info", opts, (b) => pb.DeviceInfo.decode(b)));
}
