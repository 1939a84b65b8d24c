/**
 * The body of a refused HTTP batch: "an Error message" [HTTP-10]. The spec
 * does not say whether that is a Message whose body is the Error or a bare
 * `ferry.v1.Error`; the batch leg reads a Message first and falls back to
 * these readers of the bare form (fields: 1 code, 2 detail, 3 stream).
 */
import type { ErrorMessage } from "@ferry/protocol";

/** A bare protobuf `ferry.v1.Error`; throws on anything else. */
export function decodeBareError(bytes: Uint8Array): ErrorMessage {
  let at = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const b = bytes[at++];
      if (b === undefined) throw new RangeError("truncated varint");
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v;
    }
    throw new RangeError("varint too long");
  };
  let code: number | undefined;
  let detail = "";
  while (at < bytes.length) {
    const tag = Number(varint());
    const field = tag >>> 3;
    const wire = tag & 7;
    if (wire === 0) {
      const v = varint();
      if (field === 1) code = Number(v);
    } else if (wire === 2) {
      const len = Number(varint());
      if (at + len > bytes.length) throw new RangeError("truncated field");
      if (field === 2) detail = Buffer.from(bytes.subarray(at, at + len)).toString("utf8");
      at += len;
    } else {
      throw new RangeError(`wire type ${wire} in an Error`);
    }
  }
  if (code === undefined) throw new RangeError("Error without a code");
  return { code, detail };
}

/** A bare Error in the JSON form: {"code": 20, "detail": "..."}. */
export function errorFromJson(value: unknown): ErrorMessage | undefined {
  if (!value || typeof value !== "object") return undefined;
  const v = value as { code?: unknown; detail?: unknown };
  if (typeof v.code !== "number") return undefined;
  return { code: v.code, detail: typeof v.detail === "string" ? v.detail : "" };
}
