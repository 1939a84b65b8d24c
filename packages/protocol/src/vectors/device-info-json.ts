/**
 * The JSON form of DeviceInfo (the Info characteristic [GATT-6]), as
 * src/codec/json.ts gives it for messages: proto3 canonical JSON through the
 * generated codec, checked against spec/schemas/device-info.schema.json and
 * then the binary field rules. DeviceInfo never travels as JSON on a binding;
 * vectors and tools need it.
 */
import { ferry } from "../generated/ferry.js";
import type { JsonValue } from "../codec/json.js";
import * as from from "../codec/from-wire.js";
import * as to from "../codec/to-wire.js";
import { ProtocolError } from "../errors.js";
import type { DeviceInfo } from "../message.js";
import { validate } from "../schema/index.js";

const pb = ferry.v1;
const JSON_FORM = { longs: String, enums: String, bytes: String } as const;

export function deviceInfoToJson(d: DeviceInfo): JsonValue {
  return pb.DeviceInfo.toObject(pb.DeviceInfo.fromObject(to.deviceInfo(d)), JSON_FORM) as JsonValue;
}

export function deviceInfoFromJson(value: unknown): DeviceInfo {
  const result = validate("device-info", value);
  if (!result.ok) throw new ProtocolError("MALFORMED", `device info JSON: ${result.errors.join("; ")}`);
  return from.deviceInfo(pb.DeviceInfo.fromObject(value as object));
}
