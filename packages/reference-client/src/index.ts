/**
 * @ferry/reference-client: the phone app's core. Issue #4 builds it (disk
 * outbox, lifecycle, BLE central over the virtual GATT link, server leg).
 * So far: the GATT service it looks for, and the server leg (WebSocket with
 * the 1-round-trip resume, HTTP batch, reconnect backoff).
 */
import { GATT } from "@ferry/protocol";

/** The Ferry service UUID a central scans and connects for [GATT-1]. */
export const FERRY_SERVICE_UUID: string = GATT.service.uuid;

/** Characteristic UUIDs by name, from spec/gatt.json. */
export const CHARACTERISTICS: Readonly<Record<string, string>> = Object.fromEntries(GATT.characteristics.map((c) => [c.name, c.uuid]));

export * from "./server-leg/index.js";
export * from "./ble/index.js";
export * from "./outbox/index.js";
export * from "./lifecycle/index.js";
