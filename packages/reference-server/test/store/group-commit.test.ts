/**
 * Group commit [ACK-2]: requests that arrive together share one transaction;
 * a failed transaction stores nothing and rejects every request of its group.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isProtocolError } from "@ferry/protocol";
import { GroupCommitter, type IngestOutcome, type IngestRequest, type SqliteStore } from "../../src/store/index.js";
import { allDeliveries, bytes, DEVICE, EPOCH, openStore, request, run, tempDir } from "./helpers.js";

const outcome = (stored: number): IngestOutcome => ({ stored, duplicates: 0, conflicts: [], custody: [] });

/** A store whose ingest calls are recorded and finished by the test. */
class FakeStore {
  calls: Array<{ requests: IngestRequest[]; finish: (error?: Error) => void }> = [];

  ingest(requests: IngestRequest[]): Promise<IngestOutcome[]> {
    return new Promise((resolve, reject) => {
      this.calls.push({
        requests,
        finish: (error) => (error ? reject(error) : resolve(requests.map((r) => outcome(r.runs.length)))),
      });
    });
  }
}

/** A scheduler the test runs by hand: a "macrotask" ends when it calls tick(). */
function manualSchedule() {
  const tasks: Array<() => void> = [];
  return {
    schedule: (t: () => void) => void tasks.push(t),
    tick: () => tasks.splice(0).forEach((t) => t()),
  };
}

const req = (n: number) => request({ runs: Array.from({ length: n }, (_, i) => run(BigInt(i), [bytes(i)])) });
const settle = () => new Promise((r) => setImmediate(r));

describe("GroupCommitter with a fake store", () => {
  it("[ACK-2] commits requests submitted in the same macrotask in one ingest call, in order", async () => {
    const store = new FakeStore();
    const m = manualSchedule();
    const gc = new GroupCommitter(store, m.schedule);
    const ps = [gc.submit(req(1)), gc.submit(req(2)), gc.submit(req(3))];
    expect(store.calls).toHaveLength(0);
    m.tick();
    expect(store.calls).toHaveLength(1);
    expect(store.calls[0]!.requests.map((r) => r.runs.length)).toEqual([1, 2, 3]);
    store.calls[0]!.finish();
    expect((await Promise.all(ps)).map((o) => o.stored)).toEqual([1, 2, 3]);
  });

  it("[ACK-2] requests submitted while a commit runs form the next group, started when it ends", async () => {
    const store = new FakeStore();
    const m = manualSchedule();
    const gc = new GroupCommitter(store, m.schedule);
    const a = gc.submit(req(1));
    m.tick();
    const b = gc.submit(req(2));
    const c = gc.submit(req(3));
    m.tick(); // nothing scheduled: the running commit starts the next group
    expect(store.calls).toHaveLength(1);
    expect(gc.queued).toBe(2);
    store.calls[0]!.finish();
    expect((await a).stored).toBe(1);
    await settle();
    expect(store.calls).toHaveLength(2);
    expect(store.calls[1]!.requests.map((r) => r.runs.length)).toEqual([2, 3]);
    store.calls[1]!.finish();
    expect([(await b).stored, (await c).stored]).toEqual([2, 3]);
  });

  it("[ACK-1] a failed transaction rejects every request of its group, and the next group goes on", async () => {
    const store = new FakeStore();
    const m = manualSchedule();
    const gc = new GroupCommitter(store, m.schedule);
    const group = [gc.submit(req(1)), gc.submit(req(2))];
    m.tick();
    const later = gc.submit(req(3));
    store.calls[0]!.finish(new Error("disk full"));
    for (const p of group) await expect(p).rejects.toThrow("disk full");
    await settle();
    store.calls[1]!.finish();
    expect((await later).stored).toBe(3);
  });

  it("[ENV-5] a request the store would refuse is rejected alone at submit and never joins a group", async () => {
    const store = new FakeStore();
    const m = manualSchedule();
    const gc = new GroupCommitter(store, m.schedule);
    const bad = gc.submit(request({ runs: [run(0n, [bytes(1)], { epoch: 0 })] }));
    const good = gc.submit(req(1));
    await expect(bad).rejects.toSatisfy((e: unknown) => isProtocolError(e, "INVALID_FIELD"));
    m.tick();
    expect(store.calls[0]!.requests).toHaveLength(1);
    store.calls[0]!.finish();
    expect((await good).stored).toBe(1);
  });

  it("drain waits until nothing is queued or committing", async () => {
    const store = new FakeStore();
    const m = manualSchedule();
    const gc = new GroupCommitter(store, m.schedule);
    const p = gc.submit(req(1));
    let drained = false;
    const d = gc.drain().then(() => (drained = true));
    await settle();
    expect(drained).toBe(false);
    store.calls[0]!.finish();
    await d;
    expect((await p).stored).toBe(1);
  });
});

describe("GroupCommitter with SQLite", () => {
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

  it("[ACK-2] requests of many connections arriving together share one transaction", async () => {
    const gc = new GroupCommitter(store);
    const streams = [1, 2, 3, 4, 5];
    const outcomes = await Promise.all(streams.map((s) => gc.submit(request({ runs: [run(0n, [bytes(s), bytes(s)], { stream: s })] }))));
    expect(store.commits).toBe(1);
    expect(outcomes.map((o) => [o.stored, o.custody[0]!.stream, o.custody[0]!.nextSeq])).toEqual(streams.map((s) => [2, s, 2n]));
    await gc.submit(request({ runs: [run(2n, [bytes(9)])] }));
    expect(store.commits).toBe(2);
  });

  it("[ACK-2] [ACK-1] a transaction that fails midway stores nothing of its group and rejects every request", async () => {
    const gc = new GroupCommitter(store);
    // The second request's payload cannot be bound: the failure comes after the first request's rows were written.
    const broken = request({ runs: [run(0n, [{} as Uint8Array], { stream: 2 })] });
    const results = await Promise.allSettled([
      gc.submit(request({ runs: [run(0n, [bytes(1), bytes(2)])] })),
      gc.submit(broken),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(store.commits).toBe(0);
    expect(await store.custody(DEVICE, [{ stream: 1, epoch: EPOCH }])).toMatchObject([{ nextSeq: 0n, received: [] }]);
    expect(await allDeliveries(store)).toEqual([]);
    // Nothing half-done either: the same events are new to the next commit.
    const [o] = await store.ingest([request({ runs: [run(0n, [bytes(1), bytes(2)])] })]);
    expect(o).toMatchObject({ stored: 2, duplicates: 0 });
  });
});
