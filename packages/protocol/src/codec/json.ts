/**
 * The JSON form of messages: the proto3 canonical JSON mapping (lowerCamelCase
 * names, uint64 as decimal strings, bytes as base64, enums by name), used by
 * the HTTP batch binding [HTTP-2] and by vectors. Input is checked against
 * spec/schemas before conversion, so a bad document gets MALFORMED with the
 * schema's reasons, and then the same field rules as binary input.
 */
import { ferry } from "../generated/ferry.js";
import { ProtocolError } from "../errors.js";
import type * as M from "../message.js";
import { validateAckJson, validateBatchJson, validateMessageJson } from "../schema/index.js";
import * as from from "./from-wire.js";
import * as to from "./to-wire.js";

const pb = ferry.v1;
const JSON_FORM = { longs: String, enums: String, bytes: String } as const;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

function checked(result: { ok: true } | { ok: false; errors: string[] }, what: string): void {
  if (!result.ok) throw new ProtocolError("MALFORMED", `${what} JSON: ${result.errors.join("; ")}`);
}

export function messageToJson(m: M.Message): JsonValue {
  return pb.Message.toObject(pb.Message.fromObject(to.message(m)), JSON_FORM) as JsonValue;
}

export function messageFromJson(value: unknown): M.Message {
  checked(validateMessageJson(value), "message");
  return from.message(pb.Message.fromObject(value as object));
}

export function batchToJson(b: M.Batch): JsonValue {
  const wire = pb.Batch.fromObject({ hello: to.hello(b.hello), messages: b.messages.map(to.message) });
  return pb.Batch.toObject(wire, JSON_FORM) as JsonValue;
}

export function batchFromJson(value: unknown): M.Batch {
  checked(validateBatchJson(value), "batch");
  const w = pb.Batch.fromObject(value as object);
  if (!w.hello) throw new ProtocolError("INVALID_FIELD", "batch without hello");
  return { hello: from.hello(w.hello), messages: w.messages.map((m) => from.message(m as ferry.v1.Message)) };
}

export function ackToJson(a: M.Ack): JsonValue {
  return pb.Ack.toObject(pb.Ack.fromObject(to.ack(a)), JSON_FORM) as JsonValue;
}

export function ackFromJson(value: unknown): M.Ack {
  checked(validateAckJson(value), "ack");
  return from.ack(pb.Ack.fromObject(value as object));
}
