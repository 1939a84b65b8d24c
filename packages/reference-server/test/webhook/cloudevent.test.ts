import { describe, expect, it } from "vitest";
import { cloudEventId, toCloudEvent } from "../../src/webhook/cloudevent.js";
import { MemoryDeliveryLog } from "./memory-log.js";

const DEVICE = Uint8Array.of(0x0a, 0xbc, 0x01);
const RECEIVED = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

describe("CloudEvent of a delivery", () => {
  it("[LIFE-12] carries the event's identity as id, its payload as data_base64 and Ferry extensions", () => {
    const log = new MemoryDeliveryLog();
    const entry = log.event(DEVICE, 4_000_000_000, 4_294_967_295, 18_446_744_073_709_551_615n, { priority: "critical", receivedAtMs: RECEIVED });
    expect(toCloudEvent(entry, RECEIVED + 10)).toEqual({
      specversion: "1.0",
      id: "0abc01/4000000000/4294967295/18446744073709551615",
      source: "ferry://device/0abc01",
      type: "dev.ferry.event",
      time: "2024-01-02T03:04:05.678Z",
      sequence: "18446744073709551615",
      ferryepoch: "4000000000",
      ferrystream: "4294967295",
      ferrypriority: "critical",
      datacontenttype: "application/octet-stream",
      data_base64: Buffer.from("0abc01/4000000000/4294967295/18446744073709551615").toString("base64"),
    });
  });

  it("[ACK-12] pads sequence to 20 digits so string order is sequence order", () => {
    const log = new MemoryDeliveryLog();
    const seqs = [0n, 9n, 10n, 99n, 100n, 12_345_678_901n];
    const sequences = seqs.map((s) => toCloudEvent(log.event(DEVICE, 1, 1, s), 0).sequence);
    expect(sequences.every((s) => s.length === 20)).toBe(true);
    expect([...sequences].sort()).toEqual(sequences);
  });

  it("[LIFE-12] hands an accounted range over with its reason", () => {
    const log = new MemoryDeliveryLog();
    const entry = log.accounted(DEVICE, 7, 2, 5n, 9n, "overflow");
    expect(toCloudEvent(entry, 0)).toEqual({
      specversion: "1.0",
      id: "0abc01/7/2/5-9",
      source: "ferry://device/0abc01",
      type: "dev.ferry.accounted",
      sequence: "00000000000000000005",
      ferryepoch: "7",
      ferrystream: "2",
      datacontenttype: "application/json",
      data: { first: "5", last: "9", reason: "overflow" },
    });
    expect(toCloudEvent(log.accounted(DEVICE, 7, 2, 10n, 10n, "rejected"), 0).id).toBe("0abc01/7/2/10");
  });

  it("[PRIO-6] accounts an event EXPIRED under its own id when its deadline passed before delivery", () => {
    const log = new MemoryDeliveryLog();
    const entry = log.event(DEVICE, 7, 2, 3n, { priority: "realtime", receivedAtMs: RECEIVED, expiresAtMs: RECEIVED + 500 });
    expect(toCloudEvent(entry, RECEIVED + 499).type).toBe("dev.ferry.event");
    const late = toCloudEvent(entry, RECEIVED + 500);
    expect(late).toMatchObject({ id: cloudEventId(DEVICE, 7, 2, 3n), type: "dev.ferry.accounted", data: { first: "3", last: "3", reason: "expired" } });
    expect(late).not.toHaveProperty("data_base64");
  });

  it("uses the payload bytes of a view into a larger buffer, not the whole buffer", () => {
    const log = new MemoryDeliveryLog();
    const entry = log.event(DEVICE, 1, 1, 0n);
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const ce = toCloudEvent({ ...entry, payload: backing.subarray(2, 5), deviceId: backing.subarray(2, 3) }, 0);
    expect(ce).toMatchObject({ data_base64: Buffer.from([1, 2, 3]).toString("base64"), source: "ferry://device/01" });
  });
});
