/**
 * The codec behind each vector kind, as two directions a vector checks:
 * bytes to the canonical JSON form (decode, then the JSON mapping) and that
 * JSON form back to bytes (parse, then encode).
 */
import { decodeAck, decodeBatch, decodeDeviceInfo, decodeMessage, encodeAck, encodeBatch, encodeDeviceInfo, encodeMessage, type DecodeOptions } from "../codec/binary.js";
import { ackFromJson, ackToJson, batchFromJson, batchToJson, messageFromJson, messageToJson, type JsonValue } from "../codec/json.js";
import { deviceInfoFromJson, deviceInfoToJson } from "./device-info-json.js";
import type { CodecKind } from "./types.js";

export interface KindCodec {
  /** Decodes and validates bytes; throws a ProtocolError when refused. */
  bytesToJson(bytes: Uint8Array, opts: DecodeOptions): JsonValue;
  /** Parses and validates the JSON form, then encodes it canonically. */
  jsonToBytes(json: JsonValue): Uint8Array;
}

export const CODECS: Readonly<Record<CodecKind, KindCodec>> = {
  message: {
    bytesToJson: (b, o) => messageToJson(decodeMessage(b, o)),
    jsonToBytes: (j) => encodeMessage(messageFromJson(j)),
  },
  batch: {
    bytesToJson: (b, o) => batchToJson(decodeBatch(b, o)),
    jsonToBytes: (j) => encodeBatch(batchFromJson(j)),
  },
  ack: {
    bytesToJson: (b, o) => ackToJson(decodeAck(b, o)),
    jsonToBytes: (j) => encodeAck(ackFromJson(j)),
  },
  "device-info": {
    bytesToJson: (b, o) => deviceInfoToJson(decodeDeviceInfo(b, o)),
    jsonToBytes: (j) => encodeDeviceInfo(deviceInfoFromJson(j)),
  },
};
