/**
 * Law suite for the binary codec, applied to every message type: round trip,
 * canonical (re-encoding gives the same bytes), and the same answer however
 * the input is presented.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBatch, decodeDeviceInfo, decodeMessage, encodeBatch, encodeDeviceInfo, encodeMessage } from "../../src/codec/binary.js";
import { isProtocolError } from "../../src/errors.js";
import * as arb from "../arbitraries.js";

describe("binary codec laws", () => {
  it("[ENV-7] every message round-trips: decode(encode(m)) equals m", () => {
    fc.assert(fc.property(arb.message, (m) => { expect(decodeMessage(encodeMessage(m))).toEqual(m); }));
  });

  it("[ENV-7] encoding is canonical: encode(decode(bytes)) gives the same bytes", () => {
    fc.assert(
      fc.property(arb.message, (m) => {
        const bytes = encodeMessage(m);
        expect(encodeMessage(decodeMessage(bytes))).toEqual(bytes);
      }),
    );
  });

  it("[HTTP-2] batches and device info round-trip", () => {
    fc.assert(
      fc.property(arb.hello, fc.array(arb.message, { maxLength: 5 }), (hello, messages) => {
        expect(decodeBatch(encodeBatch({ hello, messages }))).toEqual({ hello, messages });
      }),
    );
    fc.assert(fc.property(arb.deviceInfo, (d) => { expect(decodeDeviceInfo(encodeDeviceInfo(d))).toEqual(d); }));
  });

  it("[ERR-2] any truncation of a message is refused with a table code or decodes to a valid message", () => {
    fc.assert(
      fc.property(arb.message, fc.nat(), (m, cut) => {
        const bytes = encodeMessage(m);
        const prefix = bytes.subarray(0, cut % bytes.length);
        try {
          decodeMessage(prefix);
        } catch (e) {
          expect(isProtocolError(e)).toBe(true);
        }
      }),
    );
  });

  it("[ERR-2] random bytes never crash the decoder: a message or a coded ProtocolError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeMessage(bytes);
        } catch (e) {
          expect(isProtocolError(e)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
