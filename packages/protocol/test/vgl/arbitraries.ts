/** fast-check arbitraries for every ATT PDU of 10.3, within the 517-byte limit of one PDU. */
import fc from "fast-check";
import type { AttPdu, AttPduType, AttUuid } from "../../src/vgl/index.js";

export const handle = fc.nat(0xffff);
export const u8 = fc.nat(0xff);
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
export const uuid16: fc.Arbitrary<AttUuid> = fc.nat(0xffff).map((n) => n.toString(16).padStart(4, "0"));
export const uuid128: fc.Arbitrary<AttUuid> = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .map(hex)
  .map((h) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`);
const uuid = fc.oneof(uuid16, uuid128);
/** A value after a handle: the PDU is opcode + handle + value <= 517 bytes. */
const handleValue = { handle, value: fc.uint8Array({ maxLength: 514 }) };
const range = { startHandle: handle, endHandle: handle };

/** Entries sharing one UUID size, as many as fit in one PDU (`fixed` bytes per entry besides the UUID). */
function entries<E>(fixed: number, entry: (u: fc.Arbitrary<AttUuid>) => fc.Arbitrary<E>) {
  return fc.oneof(
    fc.array(entry(uuid16), { minLength: 1, maxLength: Math.floor(515 / (fixed + 2)) }),
    fc.array(entry(uuid128), { minLength: 1, maxLength: Math.floor(515 / (fixed + 16)) }),
  );
}

const t = <T extends AttPduType>(type: T) => fc.constant(type);

export const PDU_ARBITRARIES: { [T in AttPduType]: fc.Arbitrary<Extract<AttPdu, { type: T }>> } = {
  errorResponse: fc.record({ type: t("errorResponse"), requestOpcode: u8, handle, errorCode: u8 }),
  exchangeMtuRequest: fc.record({ type: t("exchangeMtuRequest"), clientRxMtu: fc.nat(0xffff) }),
  exchangeMtuResponse: fc.record({ type: t("exchangeMtuResponse"), serverRxMtu: fc.nat(0xffff) }),
  findInformationRequest: fc.record({ type: t("findInformationRequest"), ...range }),
  findInformationResponse: fc.record({
    type: t("findInformationResponse"),
    entries: entries(2, (u) => fc.record({ handle, uuid: u })),
  }),
  readByTypeRequest: fc.record({ type: t("readByTypeRequest"), ...range, attributeType: uuid }),
  readByTypeResponse: fc.record({
    type: t("readByTypeResponse"),
    entries: entries(5, (u) => fc.record({ declarationHandle: handle, properties: u8, valueHandle: handle, uuid: u })),
  }),
  readRequest: fc.record({ type: t("readRequest"), handle }),
  readResponse: fc.record({ type: t("readResponse"), value: fc.uint8Array({ maxLength: 516 }) }),
  readBlobRequest: fc.record({ type: t("readBlobRequest"), handle, offset: fc.nat(0xffff) }),
  readBlobResponse: fc.record({ type: t("readBlobResponse"), value: fc.uint8Array({ maxLength: 516 }) }),
  readByGroupTypeRequest: fc.record({ type: t("readByGroupTypeRequest"), ...range, groupType: uuid }),
  readByGroupTypeResponse: fc.record({
    type: t("readByGroupTypeResponse"),
    entries: entries(4, (u) => fc.record({ handle, endGroupHandle: handle, uuid: u })),
  }),
  writeRequest: fc.record({ type: t("writeRequest"), ...handleValue }),
  writeResponse: fc.record({ type: t("writeResponse") }),
  writeCommand: fc.record({ type: t("writeCommand"), ...handleValue }),
  handleValueNotification: fc.record({ type: t("handleValueNotification"), ...handleValue }),
  handleValueIndication: fc.record({ type: t("handleValueIndication"), ...handleValue }),
  handleValueConfirmation: fc.record({ type: t("handleValueConfirmation") }),
};

export const attPdu: fc.Arbitrary<AttPdu> = fc.oneof(...Object.values(PDU_ARBITRARIES));
