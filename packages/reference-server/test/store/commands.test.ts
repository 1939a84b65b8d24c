/** The durable command queue [CMD-2] [CMD-3] [CMD-6] [CMD-13]. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SqliteStore } from "../../src/store/index.js";
import { bytes, DEVICE, openStore, tempDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
let store: SqliteStore;
beforeEach(() => {
  tmp = tempDir();
  store = openStore(tmp.file());
});
afterEach(async () => {
  await store.close();
  tmp.cleanup();
});

const ids = async (now: number) => (await store.pendingCommands(DEVICE, now)).map((c) => c.id);

describe("commands", () => {
  it("[CMD-3] ids start at 1 per device and increase, never reused", async () => {
    const other = bytes(0xd0, 0x02);
    expect(await store.enqueueCommand(DEVICE, bytes(1), 0, 0)).toBe(1n);
    expect(await store.enqueueCommand(DEVICE, bytes(2), 0, 0)).toBe(2n);
    expect(await store.enqueueCommand(other, bytes(3), 0, 0)).toBe(1n);
    await store.settleCommands(DEVICE, [1n, 2n], "executed", "end-to-end");
    expect(await store.enqueueCommand(DEVICE, bytes(4), 0, 0)).toBe(3n);
  });

  it("[CMD-2] [CMD-11] [CMD-6] pending commands come in id order with the time they have left", async () => {
    await store.enqueueCommand(DEVICE, bytes(1), 60_000, 1_000);
    await store.enqueueCommand(DEVICE, bytes(2), 0, 1_000);
    const pending = await store.pendingCommands(DEVICE, 11_000);
    expect(pending).toEqual([
      { deviceId: DEVICE, id: 1n, payload: bytes(1), ttlMs: 50_000, expiresAtMs: 61_000 },
      { deviceId: DEVICE, id: 2n, payload: bytes(2), ttlMs: 0 },
    ]);
  });

  it("[CMD-6] [CMD-13] a command that expires in the queue is settled EXPIRED and never listed again", async () => {
    await store.enqueueCommand(DEVICE, bytes(1), 5_000, 1_000);
    await store.enqueueCommand(DEVICE, bytes(2), 0, 1_000);
    expect(await ids(5_999)).toEqual([1n, 2n]);
    expect(await store.commandOutcome(DEVICE, 1n)).toBeUndefined();
    expect(await ids(6_000)).toEqual([2n]);
    expect(await store.commandOutcome(DEVICE, 1n)).toEqual({ outcome: "expired", scope: "hop" });
    // Even if the clock were to step back, it stays settled.
    expect(await ids(0)).toEqual([2n]);
  });

  it("[CMD-13] [CMD-5] RECEIVED with SCOPE_HOP does not settle; an end-to-end ack or a final outcome does", async () => {
    for (let i = 0; i < 5; i++) await store.enqueueCommand(DEVICE, bytes(i), 0, 0);
    await store.settleCommands(DEVICE, [1n, 2n, 3n, 4n, 5n], "received", "hop");
    expect(await ids(0)).toEqual([1n, 2n, 3n, 4n, 5n]); // the app holds them; replayed on a next session
    expect(await store.commandOutcome(DEVICE, 1n)).toEqual({ outcome: "received", scope: "hop" });
    await store.settleCommands(DEVICE, [1n], "received", "end-to-end");
    await store.settleCommands(DEVICE, [2n], "executed", "end-to-end");
    await store.settleCommands(DEVICE, [3n], "rejected", "hop"); // the app cannot deliver it [CMD-10]
    await store.settleCommands(DEVICE, [4n], "expired", "hop");
    expect(await ids(0)).toEqual([5n]);
  });

  it("[CMD-13] the recorded outcome only moves forward; repeated and late acks change nothing", async () => {
    await store.enqueueCommand(DEVICE, bytes(1), 0, 0);
    await store.settleCommands(DEVICE, [1n], "received", "end-to-end");
    await store.settleCommands(DEVICE, [1n], "received", "hop"); // a replay absorbed by the app
    expect(await store.commandOutcome(DEVICE, 1n)).toEqual({ outcome: "received", scope: "end-to-end" });
    await store.settleCommands(DEVICE, [1n], "executed", "end-to-end"); // the final word arrives later
    await store.settleCommands(DEVICE, [1n], "executed", "end-to-end");
    await store.settleCommands(DEVICE, [1n], "received", "end-to-end");
    await store.settleCommands(DEVICE, [1n], "rejected", "end-to-end");
    expect(await store.commandOutcome(DEVICE, 1n)).toEqual({ outcome: "executed", scope: "end-to-end" });
  });

  it("[CMD-13] the device's own outcome replaces the queue's EXPIRED (the device did carry it out)", async () => {
    await store.enqueueCommand(DEVICE, bytes(1), 1_000, 0);
    expect(await ids(2_000)).toEqual([]);
    await store.settleCommands(DEVICE, [1n], "executed", "end-to-end");
    expect(await store.commandOutcome(DEVICE, 1n)).toEqual({ outcome: "executed", scope: "end-to-end" });
    expect(await ids(2_000)).toEqual([]);
  });

  it("[CMD-4] ids that name no command of the device are ignored", async () => {
    await store.enqueueCommand(DEVICE, bytes(1), 0, 0);
    await store.settleCommands(DEVICE, [0n, 7n, (1n << 64n) - 1n], "executed", "end-to-end");
    await store.settleCommands(bytes(9), [1n], "executed", "end-to-end");
    expect(await ids(0)).toEqual([1n]);
    expect(await store.commandOutcome(DEVICE, 7n)).toBeUndefined();
    expect(await store.commandOutcome(bytes(9), 1n)).toBeUndefined();
  });
});
