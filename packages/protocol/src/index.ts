/**
 * @ferry/protocol: the Ferry wire protocol in TypeScript.
 *
 * - messages and their validated form (`Message`, `EventRun`, `Ack`, ...)
 * - the binary and JSON codecs, generated from spec/proto
 * - BLE fragmentation and reassembly
 * - JSON Schema validation of JSON forms, capability statements and reports
 * - the sans-IO core: stream senders and receivers, handshakes and resume
 */
export * from "./message.js";
export * from "./errors.js";
export * from "./codec/binary.js";
export * from "./codec/json.js";
export * from "./schema/index.js";
export * from "./fragment/index.js";
export * from "./handshake/index.js";
export * from "./core/index.js";
export { VERSION, GATT, ERROR_TABLE } from "./generated/spec.js";
export * from "./security/event-signature.js";
