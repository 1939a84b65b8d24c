/**
 * The JSON form of messages: the proto3 canonical JSON mapping (lowerCamelCase
 * names, uint64 as decimal strings, bytes as base64, enums by name), used by
 * the HTTP batch binding [HTTP-2] and by vectors. On input, members this
 * version does not know are removed [VER-4], the rest is checked against
 * spec/schemas (a refusal is MALFORMED with the schema's reasons [HTTP-16]),
 * and then the same field rules as binary input apply.
 */
import "./runtime.js";
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

const STRIP = { unknown: "strip" } as const;

/** A copy, because removing unknown members edits the document in place. */
function copy(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

export function messageToJson(m: M.Message): JsonValue {
  return pb.Message.toObject(pb.Message.fromObject(to.message(m)), JSON_FORM) as JsonValue;
}

export function messageFromJson(input: unknown): M.Message {
  const value = copy(input);
  const result = validateMessageJson(value, STRIP);
  // A message whose only member was unknown is an unknown body [VER-6].
  if (!result.ok && isEmptyObject(value) && !isEmptyObject(input)) throw new ProtocolError("UNKNOWN_MESSAGE", "message body unknown to this version");
  checked(result, "message");
  return from.message(pb.Message.fromObject(value as object));
}

export function batchToJson(b: M.Batch): JsonValue {
  const wire = pb.Batch.fromObject({ hello: to.hello(b.hello), messages: b.messages.map(to.message) });
  return pb.Batch.toObject(wire, JSON_FORM) as JsonValue;
}

export function batchFromJson(input: unknown): M.Batch {
  const value = copy(input);
  checked(validateBatchJson(value, STRIP), "batch");
  const w = pb.Batch.fromObject(value as object);
  if (!w.hello) throw new ProtocolError("INVALID_FIELD", "batch without hello");
  return { hello: from.hello(w.hello), messages: w.messages.map((m) => from.message(m as ferry.v1.Message)) };
}

export function ackToJson(a: M.Ack): JsonValue {
  return pb.Ack.toObject(pb.Ack.fromObject(to.ack(a)), JSON_FORM) as JsonValue;
}

export function ackFromJson(input: unknown): M.Ack {
  const value = copy(input);
  checked(validateAckJson(value, STRIP), "ack");
  return from.ack(pb.Ack.fromObject(value as object));
}
