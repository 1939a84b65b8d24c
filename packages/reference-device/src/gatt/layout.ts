/**
 * The reference device's GATT table: the Ferry service of gatt.json [GATT-1]
 * at the handles of 10.4, which stay the same for as long as the process
 * runs [VGL-9].
 *
 * | handle | attribute                        | value                          |
 * |--------|----------------------------------|--------------------------------|
 * | 0x0001 | primary service (0x2800)         | Ferry service UUID             |
 * | 0x0002 | characteristic declaration       | 0x02, 0x0003, info UUID        |
 * | 0x0003 | info                             | DeviceInfo                     |
 * | 0x0004 | characteristic declaration       | 0x28, 0x0005, control UUID     |
 * | 0x0005 | control                          | fragments                      |
 * | 0x0006 | control CCCD (0x2902)            | 2 bytes                        |
 * | 0x0007 | characteristic declaration       | 0x10, 0x0008, uplink UUID      |
 * | 0x0008 | uplink                           | fragments                      |
 * | 0x0009 | uplink CCCD (0x2902)             | 2 bytes                        |
 * | 0x000A | characteristic declaration       | 0x04, 0x000B, downlink UUID    |
 * | 0x000B | downlink                         | fragments                      |
 */
import { GATT } from "@ferry/protocol";
import { CCCD_UUID, CHARACTERISTIC_UUID, PRIMARY_SERVICE_UUID, type AttUuid } from "@ferry/protocol/vgl";

export const HANDLE = {
  service: 0x0001,
  infoDeclaration: 0x0002,
  info: 0x0003,
  controlDeclaration: 0x0004,
  control: 0x0005,
  controlCccd: 0x0006,
  uplinkDeclaration: 0x0007,
  uplink: 0x0008,
  uplinkCccd: 0x0009,
  downlinkDeclaration: 0x000a,
  downlink: 0x000b,
} as const;

/** The service's last handle (its end group handle). */
export const SERVICE_END = HANDLE.downlink;

/** Characteristic properties bytes (Core Vol 3 Part G 3.3.1.1), as gatt.json names them. */
export const PROPERTY = { read: 0x02, "write-without-response": 0x04, write: 0x08, notify: 0x10, indicate: 0x20 } as const;

/** CCCD bits: 0x0001 notifications, 0x0002 indications (9.1). */
export const CCCD = { notifications: 0x0001, indications: 0x0002 } as const;

type CharacteristicName = "info" | "control" | "uplink" | "downlink";

function characteristic(name: CharacteristicName) {
  const c = GATT.characteristics.find((x) => x.name === name);
  if (!c) throw new Error(`gatt.json has no ${name} characteristic`);
  const properties = c.properties.reduce((p, n) => p | PROPERTY[n as keyof typeof PROPERTY], 0);
  return { uuid: c.uuid as AttUuid, properties };
}

export const SERVICE_UUID: AttUuid = GATT.service.uuid;
export const CHARACTERISTICS = {
  info: characteristic("info"),
  control: characteristic("control"),
  uplink: characteristic("uplink"),
  downlink: characteristic("downlink"),
} as const;

/** An attribute of the table: its handle, its type, and what kind of value it holds. */
export interface Attribute {
  handle: number;
  type: AttUuid;
  kind: "service" | "declaration" | "info" | "control" | "uplink" | "downlink" | "cccd";
  /** Fixed value of a declaration, or undefined for a value the server computes. */
  value?: Uint8Array;
}

/** A UUID as ATT writes it: the bytes of its text form, least significant first (10.3). */
export function uuidBytes(uuid: AttUuid): Uint8Array {
  const hex = uuid.replaceAll("-", "");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[out.length - 1 - i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function declaration(handle: number, name: CharacteristicName): Attribute {
  const c = CHARACTERISTICS[name];
  const uuid = uuidBytes(c.uuid);
  const value = new Uint8Array(3 + uuid.length);
  value[0] = c.properties;
  value[1] = (handle + 1) & 0xff;
  value[2] = (handle + 1) >> 8;
  value.set(uuid, 3);
  return { handle, type: CHARACTERISTIC_UUID, kind: "declaration", value };
}

export const ATTRIBUTES: readonly Attribute[] = [
  { handle: HANDLE.service, type: PRIMARY_SERVICE_UUID, kind: "service", value: uuidBytes(SERVICE_UUID) },
  declaration(HANDLE.infoDeclaration, "info"),
  { handle: HANDLE.info, type: CHARACTERISTICS.info.uuid, kind: "info" },
  declaration(HANDLE.controlDeclaration, "control"),
  { handle: HANDLE.control, type: CHARACTERISTICS.control.uuid, kind: "control" },
  { handle: HANDLE.controlCccd, type: CCCD_UUID, kind: "cccd" },
  declaration(HANDLE.uplinkDeclaration, "uplink"),
  { handle: HANDLE.uplink, type: CHARACTERISTICS.uplink.uuid, kind: "uplink" },
  { handle: HANDLE.uplinkCccd, type: CCCD_UUID, kind: "cccd" },
  declaration(HANDLE.downlinkDeclaration, "downlink"),
  { handle: HANDLE.downlink, type: CHARACTERISTICS.downlink.uuid, kind: "downlink" },
];
