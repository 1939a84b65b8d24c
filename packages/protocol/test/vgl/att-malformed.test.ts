/**
 * ATT PDUs that do not decode (10.3) and what the receiving peer does:
 * unknown requests get Request Not Supported (0x06) [VGL-5], unknown commands
 * are ignored, malformed requests get Invalid PDU (0x04), malformed commands
 * and notifications are dropped, and a malformed response, indication or
 * confirmation ends the connection with DISCONNECT 0x16.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ATT_OPCODE, attMethodKind, decodeAttPdu, encodeAttPdu, reactionTo, type VglReaction } from "../../src/vgl/index.js";
import { PDU_ARBITRARIES } from "./arbitraries.js";
import { bytes, hexOf } from "./helpers.js";

const answer = (requestOpcode: number, errorCode: number): VglReaction => ({
  action: "respond",
  response: { type: "errorResponse", requestOpcode, handle: 0x0000, errorCode },
});
const IGNORE: VglReaction = { action: "ignore" };
const DISCONNECT: VglReaction = { action: "disconnect", reason: 0x16 };
const ENTRY_128 = "46 32 66 b5 99 aa 60 ad e7 4b 36 91 02 00 6b 8b";

function outcome(hex: string) {
  const r = decodeAttPdu(bytes(hex));
  if (r.ok) throw new Error(`${hex} decoded as ${r.pdu.type}`);
  return { code: r.error.code, fault: r.error.fault, reaction: r.error.reaction };
}

describe("ATT PDUs that do not decode", () => {
  it.each<[string, string, number]>([
    ["Find By Type Value Request", "06 01 00 ff ff 00 28 01 18", 0x06],
    ["Read Multiple Request", "0e 03 00 05 00", 0x0e],
    ["Prepare Write Request (queued writes)", "16 05 00 00 00 aa", 0x16],
    ["Execute Write Request (queued writes)", "18 01", 0x18],
    ["Read Multiple Variable Request", "20 03 00 05 00", 0x20],
    ["an opcode no version of ATT defines", "3f", 0x3f],
  ])("[VGL-5] an unknown request, %s, gets Error Response 0x06 Request Not Supported", (_what, hex, opcode) => {
    expect(outcome(hex)).toEqual({ code: "ATT_OPCODE_UNKNOWN", fault: "remote", reaction: answer(opcode, 0x06) });
  });

  it.each([
    ["Signed Write Command", "d2 0b 00 aa"],
    ["an undefined command (0x40 bit set)", "7f 01 02"],
  ])("[VGL-5] an unknown command, %s, is ignored", (_what, hex) => {
    expect(outcome(hex)).toEqual({ code: "ATT_OPCODE_UNKNOWN", fault: "remote", reaction: IGNORE });
  });

  it("[VGL-5] an empty ATT PDU (a frame of length 1 on channel 0x04) is ignored", () => {
    expect(outcome("")).toEqual({ code: "ATT_PDU_MALFORMED", fault: "remote", reaction: IGNORE });
  });

  it.each<[string, string, VglReaction]>([
    // Requests: Invalid PDU, as the Core Specification answers them.
    ["Exchange MTU Request, 1 byte of MTU", "02 05", answer(0x02, 0x04)],
    ["Exchange MTU Request, a trailing byte", "02 05 02 00", answer(0x02, 0x04)],
    ["Find Information Request without end handle", "04 06 00", answer(0x04, 0x04)],
    ["Read By Type Request, a 3-byte type", "08 01 00 0b 00 03 28 00", answer(0x08, 0x04)],
    ["Read By Type Request without type", "08 01 00 0b 00", answer(0x08, 0x04)],
    ["Read Request, 1 byte of handle", "0a 03", answer(0x0a, 0x04)],
    ["Read Blob Request without offset", "0c 03 00", answer(0x0c, 0x04)],
    ["Read Blob Request, 1 byte of offset", "0c 03 00 01", answer(0x0c, 0x04)],
    ["Read By Group Type Request, a 1-byte type", "10 01 00 ff ff 00", answer(0x10, 0x04)],
    ["Write Request without handle", "12", answer(0x12, 0x04)],
    ["Write Request, 1 byte of handle", "12 05", answer(0x12, 0x04)],
    // Commands and notifications: dropped.
    ["Write Command, 1 byte of handle", "52 0b", IGNORE],
    ["Handle Value Notification without handle", "1b", IGNORE],
    // Responses, indications, confirmations: the transaction cannot complete.
    ["Error Response, 4 bytes", "01 10 0c 00", DISCONNECT],
    ["Error Response, a trailing byte", "01 10 0c 00 0a 00", DISCONNECT],
    ["Exchange MTU Response, 1 byte of MTU", "03 f7", DISCONNECT],
    ["Write Response with a byte", "13 00", DISCONNECT],
    ["Handle Value Confirmation with a byte", "1e 00", DISCONNECT],
    ["Handle Value Indication, 1 byte of handle", "1d 05", DISCONNECT],
    ["Read By Type Response without entry length", "09", DISCONNECT],
    ["Read By Type Response without entries", "09 15", DISCONNECT],
    ["Read By Type Response, entry length 20", `09 14 02 00 02 03 00 ${ENTRY_128.slice(0, -3)}`, DISCONNECT],
    ["Read By Type Response, entry length 22", `09 16 02 00 02 03 00 ${ENTRY_128} 00`, DISCONNECT],
    ["Read By Type Response, entry length 0", "09 00", DISCONNECT],
    ["Read By Type Response, entry length 21 and 20 bytes", `09 15 02 00 02 03 00 ${ENTRY_128.slice(0, -3)}`, DISCONNECT],
    ["Read By Type Response, entry length 21 and 22 bytes", `09 15 02 00 02 03 00 ${ENTRY_128} 00`, DISCONNECT],
    ["Read By Type Response, entry length 21 and 43 bytes", `09 15 ${`02 00 02 03 00 ${ENTRY_128} `.repeat(2)} 00`, DISCONNECT],
    ["Read By Type Response, entry length 7 and 6 bytes", "09 07 02 00 02 03 00 19", DISCONNECT],
    ["Read By Group Type Response, entry length 21", `11 15 01 00 0b 00 ${ENTRY_128} 00`, DISCONNECT],
    ["Read By Group Type Response, entry length 20 and 19 bytes", `11 14 01 00 0b 00 ${ENTRY_128.slice(0, -3)}`, DISCONNECT],
    ["Read By Group Type Response without entries", "11 14", DISCONNECT],
    ["Find Information Response, format 0x03", "05 03 06 00 02 29", DISCONNECT],
    ["Find Information Response, format 0x01 and 3 bytes", "05 01 06 00 02", DISCONNECT],
    ["Find Information Response, format 0x02 and a 16-bit entry", "05 02 06 00 02 29", DISCONNECT],
    ["Find Information Response without entries", "05 01", DISCONNECT],
  ])("[VGL-5] %s is malformed", (_what, hex, reaction) => {
    expect(outcome(hex)).toEqual({ code: "ATT_PDU_MALFORMED", fault: "remote", reaction });
  });

  it("[VGL-5] the error names the PDU and what is wrong with it", () => {
    const r = decodeAttPdu(bytes(`09 15 02 00 02 03 00 ${ENTRY_128} 00`));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toBe(
      "ATT_PDU_MALFORMED: readByTypeResponse (0x09): 22 bytes of entries is not a positive multiple of the entry length 21",
    );
  });

  it("[VGL-5] decoding never throws, and bytes that decode re-encode to themselves", () => {
    const opcode = fc.oneof(fc.constantFrom(...Object.values(ATT_OPCODE)), fc.nat(0xff));
    fc.assert(
      fc.property(opcode, fc.uint8Array({ maxLength: 60 }), (op, rest) => {
        const pdu = Uint8Array.of(op, ...rest);
        const r = decodeAttPdu(pdu);
        if (r.ok) expect(encodeAttPdu(r.pdu)).toEqual(pdu);
        else expect(r.error.fault).toBe("remote");
      }),
    );
  });

  const FIXED = ["errorResponse", "exchangeMtuRequest", "exchangeMtuResponse", "findInformationRequest", "readRequest", "readBlobRequest"] as const;
  const fixedPdu = fc.oneof(...FIXED.map((t) => PDU_ARBITRARIES[t]));

  it("[VGL-5] a fixed-layout PDU cut short or with a byte more is refused, with the reaction of its kind", () => {
    fc.assert(
      fc.property(fixedPdu, fc.nat(), fc.nat(0xff), (pdu, n, extra) => {
        const encoded = encodeAttPdu(pdu);
        const opcode = encoded[0]!;
        const expected = { code: "ATT_PDU_MALFORMED", fault: "remote", reaction: reactionTo(opcode, attMethodKind(opcode)) };
        expect(outcome(hexOf(encoded.subarray(0, 1 + (n % (encoded.length - 1)))))).toEqual(expected);
        expect(outcome(hexOf(Uint8Array.of(...encoded, extra)))).toEqual(expected);
      }),
    );
  });

  it("[VGL-5] a discovery response whose entries do not fill it exactly is refused with DISCONNECT 0x16", () => {
    const lists = fc.oneof(PDU_ARBITRARIES.readByGroupTypeResponse, PDU_ARBITRARIES.readByTypeResponse, PDU_ARBITRARIES.findInformationResponse);
    fc.assert(
      fc.property(lists, fc.nat(), fc.boolean(), (pdu, n, cut) => {
        const encoded = encodeAttPdu(pdu);
        const entryLength = (encoded.length - 2) / pdu.entries.length;
        const k = 1 + (n % (entryLength - 1)); // 1 .. entryLength - 1 bytes off or on
        const changed = cut ? encoded.subarray(0, encoded.length - k) : Uint8Array.of(...encoded, ...new Uint8Array(k));
        expect(outcome(hexOf(changed))).toEqual({ code: "ATT_PDU_MALFORMED", fault: "remote", reaction: DISCONNECT });
      }),
    );
  });
});
