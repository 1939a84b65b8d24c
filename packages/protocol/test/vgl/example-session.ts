/**
 * The example session of spec/10-virtual-gatt-link.md, section 10.6: every
 * frame as the chapter writes it (hex, starting with its length), who sends
 * it, and the message it must decode to. example-session.test.ts checks that
 * this list still matches the chapter's text.
 */
import type { VglMessage } from "../../src/vgl/index.js";

export interface SessionFrame {
  from: "central" | "peripheral";
  /** The chapter's hex, lines joined with spaces. */
  hex: string;
  message: VglMessage;
}

/** Ferry UUIDs as the chapter names them: `8b6b000N-9136-4be7-ad60-aa99b5663246`. */
export const ferryUuid = (n: number) => `8b6b000${n}-9136-4be7-ad60-aa99b5663246`;
const b = (s: string) => Uint8Array.from(s.split(" ").map((x) => parseInt(x, 16)));
const att = (pdu: Extract<VglMessage, { channel: "att" }>["pdu"]): VglMessage => ({ channel: "att", pdu });

/** DeviceInfo, 50 bytes: majors [1], features 2, device d00d0001, epoch 795513283, capacity 4096, streams alarm and temperature. */
export const DEVICE_INFO_HEX =
  "0a 01 01 18 02 22 04 d0 0d 00 01 28 c3 a3 aa fb 02 30 80 20 3a 0b 08 01 10 02 22 05 61 6c 61 72 6d 3a 0f 08 02 22 0b 74 65 6d 70 65 72 61 74 75 72 65";
/** The Hello fragment: first, counter 0, L = 43, then the SDU. */
export const HELLO_FRAGMENT_HEX =
  "80 2b 0a 29 0a 01 01 18 02 28 02 42 0a 08 01 10 c3 a3 aa fb 02 18 07 42 0a 08 02 10 c3 a3 aa fb 02 18 78 4a 05 08 20 10 80 40 50 ff 7f";
export const WELCOME_FRAGMENT_HEX = "80 0d 12 0b 08 01 18 02 52 05 08 04 10 80 08";
export const EVENTS_FRAGMENT_HEX = "80 0f 1a 0d 08 01 10 07 18 02 32 05 73 6d 6f 6b 65";

export const EXAMPLE_SESSION: SessionFrame[] = [
  // Connect
  { from: "central", hex: "03 00 00 01 01", message: { channel: "linkControl", control: { type: "connect", vglVersion: 1 } } },
  {
    from: "peripheral",
    hex: "0d 00 00 02 01 66 65 72 72 79 2d 64 65 6d 6f",
    message: { channel: "linkControl", control: { type: "connected", vglVersion: 1, name: "ferry-demo" } },
  },
  // MTU exchange
  { from: "central", hex: "04 00 04 02 05 02", message: att({ type: "exchangeMtuRequest", clientRxMtu: 517 }) },
  { from: "peripheral", hex: "04 00 04 03 f7 00", message: att({ type: "exchangeMtuResponse", serverRxMtu: 247 }) },
  // Service discovery
  {
    from: "central",
    hex: "08 00 04 10 01 00 ff ff 00 28",
    message: att({ type: "readByGroupTypeRequest", startHandle: 0x0001, endHandle: 0xffff, groupType: "2800" }),
  },
  {
    from: "peripheral",
    hex: "17 00 04 11 14 01 00 0b 00 46 32 66 b5 99 aa 60 ad e7 4b 36 91 01 00 6b 8b",
    message: att({ type: "readByGroupTypeResponse", entries: [{ handle: 0x0001, endGroupHandle: 0x000b, uuid: ferryUuid(1) }] }),
  },
  {
    from: "central",
    hex: "08 00 04 10 0c 00 ff ff 00 28",
    message: att({ type: "readByGroupTypeRequest", startHandle: 0x000c, endHandle: 0xffff, groupType: "2800" }),
  },
  {
    from: "peripheral",
    hex: "06 00 04 01 10 0c 00 0a",
    message: att({ type: "errorResponse", requestOpcode: 0x10, handle: 0x000c, errorCode: 0x0a }),
  },
  // Characteristic discovery
  {
    from: "central",
    hex: "08 00 04 08 01 00 0b 00 03 28",
    message: att({ type: "readByTypeRequest", startHandle: 0x0001, endHandle: 0x000b, attributeType: "2803" }),
  },
  {
    from: "peripheral",
    hex: [
      "57 00 04 09 15",
      "02 00 02 03 00 46 32 66 b5 99 aa 60 ad e7 4b 36 91 02 00 6b 8b",
      "04 00 28 05 00 46 32 66 b5 99 aa 60 ad e7 4b 36 91 03 00 6b 8b",
      "07 00 10 08 00 46 32 66 b5 99 aa 60 ad e7 4b 36 91 04 00 6b 8b",
      "0a 00 04 0b 00 46 32 66 b5 99 aa 60 ad e7 4b 36 91 05 00 6b 8b",
    ].join(" "),
    message: att({
      type: "readByTypeResponse",
      entries: [
        { declarationHandle: 0x0002, properties: 0x02, valueHandle: 0x0003, uuid: ferryUuid(2) },
        { declarationHandle: 0x0004, properties: 0x28, valueHandle: 0x0005, uuid: ferryUuid(3) },
        { declarationHandle: 0x0007, properties: 0x10, valueHandle: 0x0008, uuid: ferryUuid(4) },
        { declarationHandle: 0x000a, properties: 0x04, valueHandle: 0x000b, uuid: ferryUuid(5) },
      ],
    }),
  },
  {
    from: "central",
    hex: "08 00 04 08 0b 00 0b 00 03 28",
    message: att({ type: "readByTypeRequest", startHandle: 0x000b, endHandle: 0x000b, attributeType: "2803" }),
  },
  {
    from: "peripheral",
    hex: "06 00 04 01 08 0b 00 0a",
    message: att({ type: "errorResponse", requestOpcode: 0x08, handle: 0x000b, errorCode: 0x0a }),
  },
  // CCCD discovery
  { from: "central", hex: "06 00 04 04 06 00 06 00", message: att({ type: "findInformationRequest", startHandle: 6, endHandle: 6 }) },
  {
    from: "peripheral",
    hex: "07 00 04 05 01 06 00 02 29",
    message: att({ type: "findInformationResponse", entries: [{ handle: 6, uuid: "2902" }] }),
  },
  { from: "central", hex: "06 00 04 04 09 00 09 00", message: att({ type: "findInformationRequest", startHandle: 9, endHandle: 9 }) },
  {
    from: "peripheral",
    hex: "07 00 04 05 01 09 00 02 29",
    message: att({ type: "findInformationResponse", entries: [{ handle: 9, uuid: "2902" }] }),
  },
  // Read info
  { from: "central", hex: "04 00 04 0a 03 00", message: att({ type: "readRequest", handle: 3 }) },
  { from: "peripheral", hex: `34 00 04 0b ${DEVICE_INFO_HEX}`, message: att({ type: "readResponse", value: b(DEVICE_INFO_HEX) }) },
  // Subscribe
  { from: "central", hex: "06 00 04 12 06 00 02 00", message: att({ type: "writeRequest", handle: 6, value: b("02 00") }) },
  { from: "peripheral", hex: "02 00 04 13", message: att({ type: "writeResponse" }) },
  { from: "central", hex: "06 00 04 12 09 00 01 00", message: att({ type: "writeRequest", handle: 9, value: b("01 00") }) },
  { from: "peripheral", hex: "02 00 04 13", message: att({ type: "writeResponse" }) },
  // Hello
  { from: "central", hex: `31 00 04 12 05 00 ${HELLO_FRAGMENT_HEX}`, message: att({ type: "writeRequest", handle: 5, value: b(HELLO_FRAGMENT_HEX) }) },
  { from: "peripheral", hex: "02 00 04 13", message: att({ type: "writeResponse" }) },
  // Welcome
  {
    from: "peripheral",
    hex: `13 00 04 1d 05 00 ${WELCOME_FRAGMENT_HEX}`,
    message: att({ type: "handleValueIndication", handle: 5, value: b(WELCOME_FRAGMENT_HEX) }),
  },
  { from: "central", hex: "02 00 04 1e", message: att({ type: "handleValueConfirmation" }) },
  // Replay
  {
    from: "peripheral",
    hex: `15 00 04 1b 08 00 ${EVENTS_FRAGMENT_HEX}`,
    message: att({ type: "handleValueNotification", handle: 8, value: b(EVENTS_FRAGMENT_HEX) }),
  },
  // End
  { from: "central", hex: "03 00 00 03 16", message: { channel: "linkControl", control: { type: "disconnect", reason: 0x16 } } },
];
