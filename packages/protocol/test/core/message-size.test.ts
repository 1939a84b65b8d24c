/**
 * The size arithmetic senders cut runs with must match the codec byte for
 * byte, or runs would overshoot the peer's max_message [ENV-8].
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { accountedRangeSize, accountingHeaderSize, eventRunMessageSize, messageSize, varintSize } from "../../src/core/message-size.js";
import { encodeMessage } from "../../src/codec/binary.js";
import { accountedRange, eventRun, u32 } from "../arbitraries.js";

describe("message size", () => {
  it("varint sizes at the 7-bit boundaries", () => {
    expect([0, 127, 128, 16383, 16384].map(varintSize)).toEqual([1, 1, 2, 2, 3]);
    expect(varintSize((1n << 64n) - 1n)).toBe(10);
  });

  it("[ENV-8] an EventRun message's size is what encodeMessage produces", () => {
    fc.assert(
      fc.property(eventRun, (run) => {
        expect(eventRunMessageSize(run)).toBe(encodeMessage({ type: "events", events: run }).length);
      }),
    );
  });

  it("[ENV-8] an Accounting message's size is what encodeMessage produces", () => {
    fc.assert(
      fc.property(u32, u32, fc.array(accountedRange, { minLength: 1, maxLength: 5 }), (stream, epoch, ranges) => {
        const body = accountingHeaderSize(stream, epoch) + ranges.reduce((n, r) => n + accountedRangeSize(r), 0);
        expect(messageSize(body)).toBe(encodeMessage({ type: "accounting", accounting: { stream, epoch, ranges } }).length);
      }),
    );
  });
});
