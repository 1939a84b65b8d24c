import { isProtocolError, type StreamAck } from "@ferry/protocol";
import { describe as suite, expect, it } from "vitest";
import { DiskOutbox, type DiskOutboxOptions } from "../../src/outbox/disk-outbox.js";
import { MemoryLogStorage } from "../../src/outbox/memory-log-storage.js";
import { ack, DEV, DEV2, describe, drain, E, OPEN, p, run } from "./helpers.js";

const K1 = { stream: 1, epoch: E };

async function fresh(options: DiskOutboxOptions = {}, storage = new MemoryLogStorage()) {
  return { storage, outbox: await DiskOutbox.open(storage, options) };
}

/** A disk whose syncs complete only when the test says so. */
function gatedStorage() {
  const gates: (() => void)[] = [];
  const storage = new MemoryLogStorage(undefined, { defer: () => new Promise<void>((r) => gates.push(r)) });
  const release = () => gates.splice(0).forEach((g) => g());
  /** Releases syncs until `p` settles. */
  const through = async <T>(p: Promise<T>): Promise<T> => {
    let settled = false;
    void p.finally(() => (settled = true)).catch(() => {});
    while (!settled) {
      release();
      await new Promise((r) => setImmediate(r));
    }
    return p;
  };
  return { storage, release, through };
}

suite("disk outbox: taking custody from a device", () => {
  it("[LIFE-4] [ACK-2] a take resolves only once its records are synced", async () => {
    const { storage, release, through } = gatedStorage();
    const outbox = await through(DiskOutbox.open(storage));
    let done = false;
    const taking = outbox.take(DEV, [run(1, 0, 3)]).then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    expect(storage.unsyncedBytes).toBeGreaterThan(0);
    // [DHS-3] custody shown to a device never covers what a crash could still lose.
    expect(outbox.custody(DEV)).toEqual([]);
    release();
    await taking;
    expect(storage.unsyncedBytes).toBe(0);
    expect(outbox.custody(DEV)).toEqual([{ stream: 1, epoch: E, nextSeq: 3n, received: [], accounted: [] }]);
  });

  it("[ACK-7] [ACK-8] a covered identity is a duplicate; held with another payload, a conflict that keeps the stored event", async () => {
    const { outbox } = await fresh();
    await outbox.take(DEV, [run(1, 0, 3)]);
    const again = await outbox.takeWithResult(DEV, [run(1, 1, 3)]);
    expect(again).toMatchObject({ stored: 1, duplicates: 2, conflicts: [] });
    const conflict = await outbox.takeWithResult(DEV, [{ ...run(1, 2, 1), payloads: [p(99)] }]);
    expect(conflict.conflicts).toEqual([{ stream: 1, epoch: E, seq: 2n }]);
    expect(outbox.held(DEV, K1)).toEqual([0n, 1n, 2n, 3n]);
    const [m] = drain(outbox.source(DEV));
    expect(m?.type === "events" && m.events.payloads[2]).toEqual(p(2));
  });

  it("[DHS-3] [ACK-11] custody covers held, forwarded and accounted sequences; an accounting leaves a held event held", async () => {
    const { outbox } = await fresh();
    await outbox.take(DEV, [run(1, 0, 4), run(1, 10, 2)], [{ stream: 1, epoch: E, ranges: [{ first: 3n, last: 6n, reason: "overflow" }] }]);
    expect(outbox.held(DEV, K1)).toEqual([0n, 1n, 2n, 3n, 10n, 11n]);
    await outbox.source(DEV).acknowledge([ack(1, 3n)], "hop", 0);
    expect(outbox.held(DEV, K1)).toEqual([3n, 10n, 11n]);
    expect(outbox.custody(DEV)).toEqual([{ stream: 1, epoch: E, nextSeq: 7n, received: [{ first: 10n, last: 11n }], accounted: [] }]);
    expect(drain(outbox.source(DEV)).map(describe)).toEqual([`acc 1/${E} {4:overflow,5:overflow,6:overflow}`, `ev 1/${E}:3+1 bulk ttl=0 sig=0 [03030303]`, `ev 1/${E}:10+2 bulk ttl=0 sig=0 [0a0a0a0a,0b0b0b0b]`]);
  });

  it("[ENV-4] [PRIO-2] [ID-3] refuses epoch 0, a run of another class than its stream, a bad device id", async () => {
    const { outbox } = await fresh();
    await outbox.take(DEV, [run(1, 0, 1)]);
    await expect(outbox.take(DEV, [run(1, 1, 1, { epoch: 0 })])).rejects.toSatisfy((e) => isProtocolError(e, "INVALID_FIELD"));
    await expect(outbox.take(DEV, [run(1, 1, 1, { priority: "critical" })])).rejects.toThrow(/PRIO-2/);
    await expect(outbox.take(new Uint8Array(17), [run(1, 1, 1)])).rejects.toThrow(/ID-3/);
    expect(outbox.held(DEV, K1)).toEqual([0n]);
  });

  it("[ID-3] names a device by its id bytes or their lowercase hex, alike", async () => {
    const { outbox } = await fresh();
    await outbox.take("d001", [run(1, 0, 2)]);
    expect(outbox.custody(DEV)).toEqual(outbox.custody("d001"));
    expect(outbox.held(DEV, K1)).toEqual([0n, 1n]);
    await expect(outbox.take("D0-01", [run(1, 0, 2)])).rejects.toThrow(/lowercase hex/);
  });

  it("[LIFE-8] reports the new critical events to notify, once per identity", async () => {
    const { outbox } = await fresh();
    const first = await outbox.takeWithResult(DEV, [run(7, 0, 2, { priority: "critical" }), run(1, 0, 1)]);
    expect(first.critical).toEqual([{ stream: 7, epoch: E, seq: 0n }, { stream: 7, epoch: E, seq: 1n }]);
    expect((await outbox.takeWithResult(DEV, [run(7, 0, 3, { priority: "critical" })])).critical).toEqual([{ stream: 7, epoch: E, seq: 2n }]);
  });
});

suite("disk outbox: the server leg's source", () => {
  it("[ACK-14] keeps the server's custody of critical streams, relays it when it advances, and across a restart", async () => {
    const relayed: StreamAck[][] = [];
    const { outbox, storage } = await fresh({ onEndToEnd: (_d, acks) => relayed.push(acks) });
    await outbox.take(DEV, [run(7, 0, 3, { priority: "critical" }), run(1, 0, 3)]);
    const custody = [ack(7, 2n), ack(1, 3n)];
    await outbox.source(DEV).acknowledge(custody, "hop", 0);
    expect(relayed).toEqual([[ack(7, 2n)]]);
    expect(outbox.endToEnd(DEV)).toEqual([ack(7, 2n)]);
    await outbox.source(DEV).acknowledge([ack(7, 2n)], "hop", 0); // no advance, no relay
    await outbox.source(DEV).acknowledge([ack(7, 1n)], "hop", 0); // never a regression [ACK-5]
    expect(relayed).toHaveLength(1);
    const reopened = await DiskOutbox.open(storage.crash(() => 0));
    expect(reopened.endToEnd(DEV)).toEqual([ack(7, 2n)]);
    expect(reopened.endToEnd(DEV2)).toEqual([]);
  });

  it("[PRIO-6] [PRIO-7] [PRIO-4] an expired event leaves as an EXPIRED accounting; runs carry the smallest time left and never mix events with and without one", async () => {
    let now = 1000;
    const { outbox } = await fresh({ clock: () => now });
    await outbox.take(DEV, [run(2, 0, 1, { priority: "realtime", ttlMs: 100 })]);
    now = 1050;
    await outbox.take(DEV, [run(2, 1, 2, { priority: "realtime", ttlMs: 500 }), run(2, 3, 1, { priority: "realtime" })]);
    now = 1100;
    expect(drain(outbox.source(DEV)).map(describe)).toEqual([
      `acc 2/${E} {0:expired}`,
      `ev 2/${E}:1+2 realtime ttl=450 sig=0 [01010101,02020202]`,
      `ev 2/${E}:3+1 realtime ttl=0 sig=0 [03030303]`,
    ]);
    expect(outbox.stats(DEV)[0]).toMatchObject({ stream: 2, taken: 4, expired: 1, held: 3, accounted: 1 });
  });

  it("[SEC-8] carries device signatures unchanged; signed and unsigned events never share a run", async () => {
    const { outbox } = await fresh();
    await outbox.take(DEV, [run(1, 0, 2, { signed: true }), run(1, 2, 1)]);
    const [a, b] = drain(outbox.source(DEV));
    expect(a?.type === "events" && a.events.signatures).toEqual([new Uint8Array(64).fill(1), new Uint8Array(64).fill(2)]);
    expect(b?.type === "events" && [b.events.firstSeq, b.events.signatures.length]).toEqual([2n, 0]);
  });

  it("[PRIO-8] with deadlines that cannot be trusted after a reboot, every held event with one is accounted EXPIRED on open", async () => {
    const { outbox, storage } = await fresh({ clock: () => 0 });
    await outbox.take(DEV, [run(2, 0, 2, { priority: "realtime", ttlMs: 60_000 }), run(1, 0, 1)]);
    const reopened = await DiskOutbox.open(storage.crash(() => 0), { clock: () => 0, deadlinesTrusted: false });
    expect(reopened.held(DEV, { stream: 2, epoch: E })).toEqual([]);
    expect(drain(reopened.source(DEV)).map(describe)).toEqual([`acc 2/${E} {0:expired,1:expired}`, `ev 1/${E}:0+1 bulk ttl=0 sig=0 [00000000]`]);
  });

  it("[HS-4] pending lists the device's streams with unacknowledged items, per device", async () => {
    const { outbox } = await fresh();
    await outbox.take(DEV, [run(1, 0, 1), run(3, 0, 1, { priority: "critical" })]);
    await outbox.take(DEV2, [run(1, 0, 1)]);
    expect(outbox.source(DEV).pending()).toEqual([K1, { stream: 3, epoch: E }]);
    await outbox.source(DEV).acknowledge([ack(1, 1n)], "hop", 0);
    expect(outbox.source(DEV).pending()).toEqual([{ stream: 3, epoch: E }]);
    expect(outbox.source(DEV2).pending()).toEqual([K1]);
    expect(outbox.devicesPending()).toEqual([DEV, DEV2]);
  });
});

suite("disk outbox: overflow of a full outbox", () => {
  // The example table of [PRIO-10], capacity 4, oldest first.
  const B = (s: number) => run(1, s, 1);
  const R = (s: number) => run(2, s, 1, { priority: "realtime" });
  const C = (s: number) => run(3, s, 1, { priority: "critical" });
  const held = (o: DiskOutbox) =>
    o
      .stats(DEV)
      .flatMap((s) => o.held(DEV, s).map((q) => `${"BRC"[s.stream - 1]}${q}`))
      .sort();

  it("[PRIO-10] [PRIO-11] [PRIO-12] drops the oldest of the lowest class, or the new event itself, each drop accounted", async () => {
    const { outbox } = await fresh({ capacity: 4 });
    for (const r of [B(1), R(1), C(1), B(2)]) await outbox.take(DEV, [r]);
    const t1 = await outbox.takeWithResult(DEV, [R(2)]);
    expect(t1.accounted).toEqual([{ device: DEV, accounting: { stream: 1, epoch: E, ranges: [{ first: 1n, last: 1n, reason: "overflow" }] } }]);
    expect(held(outbox)).toEqual(["B2", "C1", "R1", "R2"]);
    await outbox.take(DEV, [B(3)]);
    expect(held(outbox)).toEqual(["B3", "C1", "R1", "R2"]);
    await outbox.take(DEV, [C(2)]);
    expect(held(outbox)).toEqual(["C1", "C2", "R1", "R2"]);
    const t4 = await outbox.takeWithResult(DEV, [B(4)]); // nothing of class BULK or lower: the new event goes
    expect(t4.accounted[0]?.accounting.ranges).toEqual([{ first: 4n, last: 4n, reason: "overflow" }]);
    expect(held(outbox)).toEqual(["C1", "C2", "R1", "R2"]);
    await outbox.take(DEV, [C(3)]);
    expect(held(outbox)).toEqual(["C1", "C2", "C3", "R2"]);
    // [ACK-19] the drops travel on as accountings; custody covers the dropped new event.
    expect(outbox.custody(DEV).find((c) => c.stream === 1)).toMatchObject({ nextSeq: 0n, received: [{ first: 1n, last: 4n }] });
    expect(drain(outbox.source(DEV)).filter((m) => m.type === "accounting").map(describe)).toEqual([
      `acc 1/${E} {1:overflow,2:overflow,3:overflow,4:overflow}`,
      `acc 2/${E} {1:overflow}`,
    ]);
    expect(outbox.stats(DEV).map((s) => [s.stream, s.taken, s.dropped, s.held])).toEqual([
      [1, 4, 4, 0],
      [2, 2, 1, 1],
      [3, 3, 0, 3],
    ]);
  });

  it("[PRIO-10] the oldest is the event taken first, even when a lower sequence came later", async () => {
    const { outbox } = await fresh({ capacity: 2 });
    await outbox.take(DEV, [run(1, 5, 1)]);
    await outbox.take(DEV, [run(1, 2, 1)]);
    await outbox.take(DEV, [run(1, 6, 1)]);
    expect(outbox.held(DEV, K1)).toEqual([2n, 6n]);
  });

  it("[PRIO-10] discards expired events before dropping anything", async () => {
    let now = 0;
    const { outbox } = await fresh({ capacity: 2, clock: () => now });
    await outbox.take(DEV, [run(2, 0, 1, { priority: "realtime", ttlMs: 10 }), run(1, 0, 1)]);
    now = 20;
    const t = await outbox.takeWithResult(DEV, [run(1, 1, 1)]);
    expect(t.accounted.map((a) => a.accounting.ranges[0]?.reason)).toEqual(["expired"]);
    expect(outbox.held(DEV, K1)).toEqual([0n, 1n]);
  });
});

suite("disk outbox: tokens and commands", () => {
  it("[HS-5] keeps the resume token per server and device, durably, through a TokenStore", async () => {
    const { outbox, storage } = await fresh();
    const store = outbox.tokens("wss://a", DEV);
    expect(store.load()).toBeUndefined();
    store.save(Uint8Array.of(1, 2));
    await outbox.saveToken("wss://b", DEV, Uint8Array.of(3));
    store.save(Uint8Array.of(4));
    await outbox.sync();
    const reopened = await DiskOutbox.open(storage.crash(() => 0));
    expect(reopened.loadToken("wss://a", DEV)).toEqual(Uint8Array.of(4));
    expect(reopened.loadToken("wss://b", DEV)).toEqual(Uint8Array.of(3));
    expect(reopened.loadToken("wss://a", DEV2)).toBeUndefined();
  });

  it("[CMD-7] [CMD-10] holds commands durably in id order, answers repeats with the last outcome, frees on the device's CommandAck", async () => {
    let now = 0;
    const { outbox, storage } = await fresh({ clock: () => now });
    expect(await outbox.holdCommand(DEV, { id: 42n, payload: p(42), ttlMs: 0 })).toEqual({ ids: [42n], outcome: "received", scope: "hop" });
    await outbox.holdCommand(DEV, { id: 41n, payload: p(41), ttlMs: 60_000 });
    expect(await outbox.holdCommand(DEV, { id: 41n, payload: p(41), ttlMs: 60_000 })).toEqual({ ids: [41n], outcome: "received", scope: "hop" });
    now = 1_000;
    expect(outbox.commands(DEV)).toEqual([
      { id: 41n, payload: p(41), ttlMs: 59_000 },
      { id: 42n, payload: p(42), ttlMs: 0 },
    ]);
    await outbox.settleCommands(DEV, { ids: [41n], outcome: "executed", scope: "end-to-end" });
    const reopened = await DiskOutbox.open(storage.crash(() => 0), { clock: () => now });
    expect(reopened.commands(DEV).map((c) => c.id)).toEqual([42n]);
    expect(await reopened.holdCommand(DEV, { id: 41n, payload: p(41), ttlMs: 0 })).toEqual({ ids: [41n], outcome: "executed", scope: "end-to-end" });
    expect(reopened.commands(DEV).map((c) => c.id)).toEqual([42n]);
  });

  it("[CMD-6] settles a held command whose deadline passed as EXPIRED with SCOPE_HOP", async () => {
    let now = 0;
    const { outbox } = await fresh({ clock: () => now });
    await outbox.holdCommand(DEV, { id: 1n, payload: p(1), ttlMs: 500 });
    expect(outbox.expireCommands(DEV)).toBeUndefined();
    now = 500;
    expect(outbox.commands(DEV)).toEqual([]);
    expect(outbox.expireCommands(DEV)).toEqual({ ids: [1n], outcome: "expired", scope: "hop" });
    expect(await outbox.holdCommand(DEV, { id: 1n, payload: p(1), ttlMs: 500 })).toEqual({ ids: [1n], outcome: "expired", scope: "hop" });
  });

  it("[CMD-6] [PRIO-8] without a trusted clock after a reboot, held commands with a deadline are settled EXPIRED on open, for the server", async () => {
    const { outbox, storage } = await fresh({ clock: () => 0 });
    await outbox.holdCommand(DEV, { id: 1n, payload: p(1), ttlMs: 60_000 });
    await outbox.holdCommand(DEV, { id: 2n, payload: p(2), ttlMs: 0 });
    const reopened = await DiskOutbox.open(storage.crash(() => 0), { clock: () => 0, deadlinesTrusted: false });
    expect(reopened.commands(DEV).map((c) => c.id)).toEqual([2n]);
    expect(reopened.expireCommands(DEV)).toEqual({ ids: [1n], outcome: "expired", scope: "hop" });
    expect(reopened.expireCommands(DEV)).toBeUndefined();
  });
});
