/**
 * The body of a non-200 batch answer: one `Error` message [HTTP-10] [ERR-1],
 * in the answer's media type. The codec encodes Errors only inside a
 * Message, whose `error` member is field 8 of the oneof; the bare Error is
 * that member's payload, so the wrapper's tag and length are cut off.
 */
import { encodeMessage, messageToJson, type ErrorMessage, type JsonValue } from "@ferry/protocol";
import type { FerryMediaType } from "./http-body.js";

/** Bytes of a bare ferry.v1.Error. */
export function encodeErrorBody(error: ErrorMessage): Uint8Array {
  const wrapped = encodeMessage({ type: "error", error });
  // Tag 0x42 (field 8, length-delimited), then a varint length, then the Error.
  let i = 1;
  while ((wrapped[i]! & 0x80) !== 0) i++;
  return wrapped.subarray(i + 1);
}

/** The proto3 JSON form of a bare Error [HTTP-7]. */
export function errorBodyJson(error: ErrorMessage): JsonValue {
  const m = messageToJson({ type: "error", error }) as { error?: JsonValue };
  return m.error ?? {};
}

export function errorBody(error: ErrorMessage, type: FerryMediaType): Uint8Array {
  return type === "json" ? Buffer.from(JSON.stringify(errorBodyJson(error))) : encodeErrorBody(error);
}
