/**
 * @ferry/reference-device: a host build of a Ferry accessory. The device
 * core (sans-IO, driving @ferry/protocol), its flash, the GATT server of the
 * reference handle layout, and the virtual GATT link peripheral that puts
 * it on a byte stream.
 */
export * from "./device/device.js";
export * from "./device/config.js";
export * from "./device/observation.js";
export { CommandLog } from "./device/commands.js";
export { drawEpoch, renumber } from "./device/storage.js";
export { restoreOutbox } from "./device/restore-outbox.js";
export * from "./flash/flash.js";
export { FileFlash } from "./flash/file-flash.js";
export * from "./flash/image.js";
export { crc32 } from "./flash/crc32.js";
export { ATTRIBUTES, CCCD, CHARACTERISTICS, HANDLE, SERVICE_END, SERVICE_UUID, uuidBytes, type Attribute } from "./gatt/layout.js";
export { AttServer, type AttOutcome, type AttServerOptions } from "./gatt/att-server.js";
export { VglPeripheral, type VglPeripheralOptions } from "./vgl/peripheral-link.js";
export { Counters, observationJson, observationLine } from "./cli/observations.js";
export { HarnessClient, type HarnessDevice } from "./harness/harness-client.js";
