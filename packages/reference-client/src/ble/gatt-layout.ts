/**
 * What the central looks for on a device: the Ferry service, its four
 * characteristics with the properties each must have, and the CCCD values
 * it writes (spec/gatt.json, 9.1) [GATT-1]. Also the handles that discovery
 * finds in each connection [VGL-9].
 */
import { GATT } from "@ferry/protocol";

type CharacteristicName = "info" | "control" | "uplink" | "downlink";

function uuidOf(name: CharacteristicName): string {
  const c = GATT.characteristics.find((x) => x.name === name);
  if (!c) throw new Error(`spec/gatt.json has no characteristic ${name}`);
  return c.uuid;
}

export const FERRY_UUID = Object.freeze({
  service: GATT.service.uuid,
  info: uuidOf("info"),
  control: uuidOf("control"),
  uplink: uuidOf("uplink"),
  downlink: uuidOf("downlink"),
});

/** Bits of a characteristic declaration's properties byte (Core Vol 3 Part G 3.3.1.1). */
export const PROPERTY = Object.freeze({
  READ: 0x02,
  WRITE_WITHOUT_RESPONSE: 0x04,
  WRITE: 0x08,
  NOTIFY: 0x10,
  INDICATE: 0x20,
});

/** The bits each characteristic must carry for the ATT procedures of [GATT-7]. */
export const REQUIRED_PROPERTIES: Readonly<Record<CharacteristicName, number>> = Object.freeze({
  info: PROPERTY.READ,
  control: PROPERTY.WRITE | PROPERTY.INDICATE,
  uplink: PROPERTY.NOTIFY,
  downlink: PROPERTY.WRITE_WITHOUT_RESPONSE,
});

/** CCCD values, little-endian: indications on control, notifications on uplink (9.1). */
export const CCCD_VALUE = Object.freeze({
  indications: Uint8Array.of(0x02, 0x00),
  notifications: Uint8Array.of(0x01, 0x00),
});

/** The largest Info value [GATT-6]. */
export const INFO_MAX_LENGTH = 512;

/** Handles found by discovery (10.4); valid for one connection only [VGL-9]. */
export interface GattLayout {
  service: { start: number; end: number };
  info: number;
  control: number;
  controlCccd: number;
  uplink: number;
  uplinkCccd: number;
  downlink: number;
}
