/**
 * ATT PDUs (10.3): the chapter's opcode and error tables, golden layouts,
 * round trips for every PDU type, and the encoder's local errors.
 * Malformed and unknown PDUs are in att-malformed.test.ts.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ATT_ERROR, ATT_OPCODE, attMethodKind, attOpcodeOf, decodeAttPdu, encodeAttPdu, type AttPdu, type AttPduType } from "../../src/vgl/index.js";
import { PDU_ARBITRARIES } from "./arbitraries.js";
import { ferryUuid } from "./example-session.js";
import { bytes, hexOf } from "./helpers.js";

const CHAPTER = readFileSync(fileURLToPath(new URL("../../../../spec/10-virtual-gatt-link.md", import.meta.url)), "utf8");
/** Rows `| 0xNN | Name |` of a table of 10.3 (the PDU table, then the error table). */
const rowsOf = (text: string) => [...text.matchAll(/^\| 0x([0-9A-F]{2}) \| ([A-Za-z ]+?) \|/gm)].map((m) => ({ code: parseInt(m[1]!, 16), name: m[2]! }));
const SECTION = CHAPTER.slice(CHAPTER.indexOf("## 10.3"), CHAPTER.indexOf("## 10.4"));
const PDU_ROWS = rowsOf(SECTION.slice(0, SECTION.indexOf("| ATT error code |")));
const ERROR_ROWS = rowsOf(SECTION.slice(SECTION.indexOf("| ATT error code |")));
const camel = (name: string) => name.split(" ").map((w, i) => (i === 0 ? w.toLowerCase() : w[0]! + w.slice(1).toLowerCase())).join("");
const snake = (name: string) => name.toUpperCase().replaceAll(" ", "_");

describe("ATT PDUs", () => {
  it("[VGL-5] the codec has exactly the PDUs of the chapter's table, with its opcodes", () => {
    const table = PDU_ROWS.map((r) => [camel(r.name), r.code]);
    expect(table).toHaveLength(19);
    expect(table.map(([type]) => [type, attOpcodeOf(type as AttPduType)])).toEqual(table);
    expect(Object.keys(PDU_ARBITRARIES).sort()).toEqual(table.map(([type]) => type).sort());
    expect(Object.values(ATT_OPCODE).sort()).toEqual(table.map(([, code]) => code).sort());
  });

  it("[VGL-5] the ATT error codes are exactly the chapter's table", () => {
    const table = ERROR_ROWS.map((r) => [snake(r.name), r.code]);
    expect(table).toHaveLength(9);
    expect(Object.entries(ATT_ERROR).sort((a, b) => a[1] - b[1])).toEqual(table);
  });

  it("[VGL-5] method kinds: requests are answered, the rest are not", () => {
    expect(attMethodKind(0x0a)).toBe("request");
    expect(attMethodKind(0x0b)).toBe("response");
    expect(attMethodKind(0x52)).toBe("command");
    expect(attMethodKind(0x1b)).toBe("notification");
    expect(attMethodKind(0x1d)).toBe("indication");
    expect(attMethodKind(0x1e)).toBe("confirmation");
    expect(attMethodKind(0x16)).toBeUndefined();
  });

  // Golden layouts the example session (example-session.test.ts) does not show.
  it.each<[string, string, AttPdu]>([
    ["Read Blob Request: handle, offset", "0c 03 00 f6 00", { type: "readBlobRequest", handle: 3, offset: 246 }],
    ["Read Blob Response: the value", "0d 01 02 03", { type: "readBlobResponse", value: bytes("01 02 03") }],
    ["Read Response: may be empty", "0b", { type: "readResponse", value: new Uint8Array() }],
    ["Write Command: handle, value", "52 0b 00 80 01 aa", { type: "writeCommand", handle: 0x0b, value: bytes("80 01 aa") }],
    ["Write Request: an empty value", "12 0b 00", { type: "writeRequest", handle: 0x0b, value: new Uint8Array() }],
    ["Error Response: Request Not Supported", "01 16 00 00 06", { type: "errorResponse", requestOpcode: 0x16, handle: 0, errorCode: 0x06 }],
    [
      "Read By Group Type Response, 16-bit UUIDs (entry length 6)",
      "11 06 01 00 05 00 0f 18 06 00 09 00 0a 18",
      {
        type: "readByGroupTypeResponse",
        entries: [
          { handle: 1, endGroupHandle: 5, uuid: "180f" },
          { handle: 6, endGroupHandle: 9, uuid: "180a" },
        ],
      },
    ],
    [
      "Read By Type Response, a 16-bit UUID (entry length 7)",
      "09 07 02 00 02 03 00 19 2a",
      { type: "readByTypeResponse", entries: [{ declarationHandle: 2, properties: 2, valueHandle: 3, uuid: "2a19" }] },
    ],
    [
      "Find Information Response, format 2 (128-bit UUIDs)",
      "05 02 0c 00 46 32 66 b5 99 aa 60 ad e7 4b 36 91 07 00 6b 8b",
      { type: "findInformationResponse", entries: [{ handle: 12, uuid: ferryUuid(7) }] },
    ],
    [
      "Read By Group Type Request for a 128-bit type",
      "10 01 00 ff ff 46 32 66 b5 99 aa 60 ad e7 4b 36 91 01 00 6b 8b",
      { type: "readByGroupTypeRequest", startHandle: 1, endHandle: 0xffff, groupType: ferryUuid(1) },
    ],
  ])("[VGL-5] %s", (_what, hex, pdu) => {
    expect(hexOf(encodeAttPdu(pdu))).toBe(hex);
    expect(decodeAttPdu(bytes(hex))).toEqual({ ok: true, pdu });
  });

  it("[VGL-5] a 128-bit UUID is written least significant byte first", () => {
    const pdu = encodeAttPdu({ type: "findInformationResponse", entries: [{ handle: 1, uuid: ferryUuid(1) }] });
    expect(hexOf(pdu.subarray(4))).toBe("46 32 66 b5 99 aa 60 ad e7 4b 36 91 01 00 6b 8b");
  });

  it.each(Object.keys(PDU_ARBITRARIES) as AttPduType[])("[VGL-5] %s round-trips", (type) => {
    fc.assert(
      fc.property(PDU_ARBITRARIES[type], (pdu) => {
        const encoded = encodeAttPdu(pdu);
        expect(encoded[0]).toBe(attOpcodeOf(type));
        expect(encoded.length).toBeLessThanOrEqual(517);
        expect(decodeAttPdu(encoded)).toEqual({ ok: true, pdu });
      }),
    );
  });

  it.each<[string, AttPdu]>([
    ["a handle above 0xFFFF", { type: "readRequest", handle: 0x10000 }],
    ["a negative offset", { type: "readBlobRequest", handle: 1, offset: -1 }],
    ["a fractional MTU", { type: "exchangeMtuRequest", clientRxMtu: 23.5 }],
    ["an error code above 0xFF", { type: "errorResponse", requestOpcode: 0x0a, handle: 1, errorCode: 0x100 }],
    ["a UUID in upper case", { type: "readByTypeRequest", startHandle: 1, endHandle: 2, attributeType: "2A19" }],
    ["a 32-bit UUID", { type: "readByTypeRequest", startHandle: 1, endHandle: 2, attributeType: "00002803" }],
    ["no entries", { type: "findInformationResponse", entries: [] }],
    [
      "entries of two UUID sizes",
      {
        type: "readByGroupTypeResponse",
        entries: [
          { handle: 1, endGroupHandle: 11, uuid: ferryUuid(1) },
          { handle: 12, endGroupHandle: 14, uuid: "180f" },
        ],
      },
    ],
    ["a PDU of 518 bytes", { type: "handleValueNotification", handle: 8, value: new Uint8Array(515) }],
    ["a type the table does not have", { type: "prepareWriteRequest" } as unknown as AttPdu],
  ])("[VGL-5] the encoder refuses %s with a local FIELD_INVALID", (_what, pdu) => {
    expect(() => encodeAttPdu(pdu)).toThrow(expect.objectContaining({ name: "VglError", code: "FIELD_INVALID", fault: "local" }));
  });
});
