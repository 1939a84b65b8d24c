/**
 * The GATT server's answers to requests it cannot serve (the error table of
 * 10.3) and the limits of the MTU, at the ATT level.
 */
import { describe, expect, it } from "vitest";
import { ATT_ERROR, type AttPdu } from "@ferry/protocol/vgl";
import { AttServer, HANDLE } from "../../src/index.js";

function server(maxMtu = 247) {
  return new AttServer({ maxMtu, info: () => new Uint8Array(300).fill(7), cccd: () => 0x0002 });
}

const err = (requestOpcode: number, handle: number, errorCode: number): AttPdu => ({ type: "errorResponse", requestOpcode, handle, errorCode });

describe("ATT server", () => {
  it.each<[string, AttPdu, AttPdu]>([
    ["Invalid Handle for a handle that does not exist", { type: "readRequest", handle: 0x0c }, err(0x0a, 0x0c, ATT_ERROR.INVALID_HANDLE)],
    ["Read Not Permitted on control", { type: "readRequest", handle: HANDLE.control }, err(0x0a, HANDLE.control, ATT_ERROR.READ_NOT_PERMITTED)],
    ["Read Not Permitted on uplink", { type: "readBlobRequest", handle: HANDLE.uplink, offset: 0 }, err(0x0c, HANDLE.uplink, ATT_ERROR.READ_NOT_PERMITTED)],
    ["Write Not Permitted on info", { type: "writeRequest", handle: HANDLE.info, value: new Uint8Array([1]) }, err(0x12, HANDLE.info, ATT_ERROR.WRITE_NOT_PERMITTED)],
    ["Write Not Permitted for a Write Request to downlink", { type: "writeRequest", handle: HANDLE.downlink, value: new Uint8Array([0x80, 1, 0]) }, err(0x12, HANDLE.downlink, ATT_ERROR.WRITE_NOT_PERMITTED)],
    ["Invalid Offset past the end of info", { type: "readBlobRequest", handle: HANDLE.info, offset: 301 }, err(0x0c, HANDLE.info, ATT_ERROR.INVALID_OFFSET)],
    ["Invalid Attribute Value Length for a CCCD of 1 byte", { type: "writeRequest", handle: HANDLE.controlCccd, value: new Uint8Array([2]) }, err(0x12, HANDLE.controlCccd, ATT_ERROR.INVALID_ATTRIBUTE_VALUE_LENGTH)],
    ["Invalid Attribute Value Length for a value above MTU - 3", { type: "writeRequest", handle: HANDLE.control, value: new Uint8Array(21) }, err(0x12, HANDLE.control, ATT_ERROR.INVALID_ATTRIBUTE_VALUE_LENGTH)],
    ["Attribute Not Found past the service", { type: "findInformationRequest", startHandle: 0x0c, endHandle: 0xffff }, err(0x04, 0x0c, ATT_ERROR.ATTRIBUTE_NOT_FOUND)],
    ["Invalid Handle for a start handle of 0", { type: "readByTypeRequest", startHandle: 0, endHandle: 0xffff, attributeType: "2803" }, err(0x08, 0, ATT_ERROR.INVALID_HANDLE)],
  ])("[VGL-5] answers %s", (_what, request, response) => {
    expect(server().handle(request)).toEqual({ response });
  });

  it("[VGL-6] [GATT-10] takes the smaller MTU, clamps the client's value to 23..517, and keeps the first exchange", () => {
    const s = server(247);
    expect(s.mtu).toBe(23);
    expect(s.handle({ type: "exchangeMtuRequest", clientRxMtu: 185 })).toEqual({ response: { type: "exchangeMtuResponse", serverRxMtu: 247 } });
    expect(s.mtu).toBe(185);
    s.handle({ type: "exchangeMtuRequest", clientRxMtu: 517 });
    expect(s.mtu).toBe(185);
    const low = server(247);
    low.handle({ type: "exchangeMtuRequest", clientRxMtu: 5 });
    expect(low.mtu).toBe(23);
    s.reset();
    expect(s.mtu).toBe(23);
  });

  it("[VGL-8] serves info in parts of at most MTU - 1 bytes, for Read Blob [GATT-6]", () => {
    const s = server();
    const first = s.handle({ type: "readRequest", handle: HANDLE.info })!.response as { value: Uint8Array };
    expect(first.value).toHaveLength(22);
    const last = s.handle({ type: "readBlobRequest", handle: HANDLE.info, offset: 286 })!.response as { value: Uint8Array };
    expect(last.value).toHaveLength(14);
    expect(s.handle({ type: "readBlobRequest", handle: HANDLE.info, offset: 300 })!.response).toEqual({ type: "readBlobResponse", value: new Uint8Array(0) });
  });

  it("[VGL-5] discovers one characteristic per Read By Type Response at MTU 23, as many as fit at 247", () => {
    const s = server();
    const r23 = s.handle({ type: "readByTypeRequest", startHandle: 1, endHandle: 0x0b, attributeType: "2803" })!.response as { entries: unknown[] };
    expect(r23.entries).toHaveLength(1);
    s.handle({ type: "exchangeMtuRequest", clientRxMtu: 247 });
    const r247 = s.handle({ type: "readByTypeRequest", startHandle: 1, endHandle: 0x0b, attributeType: "2803" })!.response as { entries: unknown[] };
    expect(r247.entries).toHaveLength(4);
  });

  it("[GATT-7] drops a Write Command that is not to downlink or too long, silently", () => {
    const s = server();
    expect(s.handle({ type: "writeCommand", handle: HANDLE.control, value: new Uint8Array([0x80, 1, 0]) })).toEqual({});
    expect(s.handle({ type: "writeCommand", handle: HANDLE.downlink, value: new Uint8Array(21) })).toEqual({});
    expect(s.handle({ type: "writeCommand", handle: HANDLE.downlink, value: new Uint8Array([0x80, 1, 0]) })).toEqual({ written: { target: "downlink", value: new Uint8Array([0x80, 1, 0]) } });
  });
});
