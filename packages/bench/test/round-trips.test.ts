import { MemoryOutbox } from "@ferry/reference-client";
import { describe, expect, it } from "vitest";
import { RoundTripCounter } from "../src/server/round-trips.js";

const key = { stream: 1, epoch: 7 };
const limits = { events: 2, bytes: 1 << 20, mayExceedBytes: true, maxMessage: 1 << 20 };

describe("round-trip counter", () => {
  it("[HS-10] counts the first flight as one round trip, and each flight sent after an answer as one more", () => {
    const outbox = new MemoryOutbox();
    for (let i = 0; i < 5; i++) outbox.add(key, "bulk", BigInt(i), new Uint8Array([i]));
    const c = new RoundTripCounter(outbox);
    expect(c.next(limits, 0)?.type).toBe("events"); // seq 0-1 with the Hello
    expect(c.roundTrips).toBe(1);
    c.welcomed();
    expect(c.next(limits, 0)?.type).toBe("events"); // seq 2-3 after the Welcome
    expect(c.roundTrips).toBe(2);
    c.acknowledge([{ ...key, nextSeq: 4n, received: [], accounted: [] }], "hop", 0);
    expect(c.next(limits, 0)?.type).toBe("events"); // seq 4 after the Ack of generation 2
    expect(c.roundTrips).toBe(3);
    c.acknowledge([{ ...key, nextSeq: 5n, received: [], accounted: [] }], "hop", 0);
    expect(outbox.isEmpty).toBe(true);
    expect(c.roundTrips).toBe(3);
  });
});
