/**
 * Property tests against a simple model: random arrival orders, duplicates,
 * conflicts and accountings over a small sequence space, split into random
 * group commits. The model keeps one label per sequence number (the payload
 * held, or the reason accounted); the store must report exactly the custody
 * the labels imply [ACK-4] [ACK-6] [ACK-9] and hand off every number once, in
 * order, only when everything below it is covered [ACK-12]. Between group
 * commits the clock moves on and the store may sweep for lost gaps: the
 * model accounts `lost` each lowest gap whose lowest held event above it is
 * at least the timeout old, as long as one is [ACK-21].
 */
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { AccountedRange, Range, Reason, StreamAck, StreamKey } from "@ferry/protocol";
import type { IngestRequest, StreamGap } from "../../src/store/index.js";
import { accounting, openStore, request, run, tempDir } from "./helpers.js";

const KEYS: StreamKey[] = [
  { stream: 1, epoch: 7 },
  { stream: 1, epoch: 8 },
  { stream: 2, epoch: 7 },
];
const SPACE = 12;
const tmp = tempDir();
// One store file per property; each run uses a device of its own, so its
// sequence spaces start empty (opening a file per run would dominate the time).
const store = openStore(tmp.file());
let devices = 0;
afterAll(async () => {
  await store.close();
  tmp.cleanup();
});

type Action =
  | { kind: "events"; k: number; first: number; count: number; variant: number }
  | { kind: "accounting"; k: number; first: number; count: number; reason: Reason };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant("events" as const),
    k: fc.nat(KEYS.length - 1),
    first: fc.nat(SPACE - 1),
    count: fc.integer({ min: 1, max: 3 }),
    variant: fc.nat(1),
  }),
  fc.record({
    kind: fc.constant("accounting" as const),
    k: fc.nat(KEYS.length - 1),
    first: fc.nat(SPACE - 1),
    count: fc.integer({ min: 1, max: 4 }),
    reason: fc.constantFrom<Reason>("expired", "overflow", "rejected", "lost"),
  }),
);
/**
 * Steps: the clock moves on by `dt` ms, a group of requests of actions is
 * one ingest call (one transaction) at that time, then maybe a lost-gap
 * sweep with a timeout of `sweep` ms.
 */
interface Step {
  dt: number;
  group: Action[][];
  sweep: number | null;
}
const scenario: fc.Arbitrary<Step[]> = fc.array(
  fc.record({
    dt: fc.nat(2),
    group: fc.array(fc.array(action, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }),
    sweep: fc.option(fc.nat(3)),
  }),
  { minLength: 1, maxLength: 8 },
);

const payloadOf = (seq: number, variant: number) => new Uint8Array([seq, variant]);

function toRequest(deviceId: Uint8Array, actions: Action[], nowMs: number): IngestRequest {
  return request({
    deviceId,
    nowMs,
    runs: actions.flatMap((a) =>
      a.kind === "events"
        ? [run(BigInt(a.first), Array.from({ length: a.count }, (_, i) => payloadOf(a.first + i, a.variant)), KEYS[a.k])]
        : [],
    ),
    accountings: actions.flatMap((a) =>
      a.kind === "accounting"
        ? [accounting([{ first: BigInt(a.first), last: BigInt(a.first + a.count - 1), reason: a.reason }], KEYS[a.k])]
        : [],
    ),
  });
}

type Gap = { k: number; first: number; last: number };

/** The model: per key, seq -> "v0" | "v1" (payload variant held) | reason; and when each event arrived. */
class Model {
  labels = KEYS.map(() => new Map<number, string>());
  receivedAt = KEYS.map(() => new Map<number, number>());

  apply(actions: Action[], nowMs: number) {
    const out = { stored: 0, duplicates: 0, conflicts: [] as Array<{ stream: number; epoch: number; seq: bigint }> };
    // Within a request, runs are taken before accountings (the store's order).
    for (const a of actions) {
      if (a.kind !== "events") continue;
      for (let s = a.first; s < a.first + a.count; s++) {
        const held = this.labels[a.k]!.get(s);
        if (held === undefined) {
          this.labels[a.k]!.set(s, `v${a.variant}`);
          this.receivedAt[a.k]!.set(s, nowMs);
          out.stored++;
        } else if (held === `v${a.variant}` || !held.startsWith("v")) out.duplicates++;
        else out.conflicts.push({ ...KEYS[a.k]!, seq: BigInt(s) });
      }
    }
    for (const a of actions) {
      if (a.kind !== "accounting") continue;
      for (let s = a.first; s < a.first + a.count; s++) {
        if (!this.labels[a.k]!.has(s)) this.labels[a.k]!.set(s, a.reason);
      }
    }
    return out;
  }

  /** [ACK-21] each stream's lowest gap, while the lowest event held above it is `timeoutMs` old. */
  sweep(nowMs: number, timeoutMs: number): Gap[] {
    const out: Gap[] = [];
    for (let k = 0; k < KEYS.length; k++) {
      for (;;) {
        const next = this.nextSeq(k);
        const covered = [...this.labels[k]!.keys()].filter((s) => s > next).sort((a, b) => a - b);
        const held = covered.find((s) => this.labels[k]!.get(s)!.startsWith("v"));
        if (held === undefined || nowMs - this.receivedAt[k]!.get(held)! < timeoutMs) break;
        const last = covered[0]! - 1;
        for (let s = next; s <= last; s++) this.labels[k]!.set(s, "lost");
        out.push({ k, first: next, last });
      }
    }
    return out;
  }

  nextSeq(k: number): number {
    let n = 0;
    while (this.labels[k]!.has(n)) n++;
    return n;
  }

  /** Maximal runs of equal kind (received, or one reason) from `from` on. */
  runs(k: number, from: number): Array<{ first: number; last: number; label: string }> {
    const out: Array<{ first: number; last: number; label: string }> = [];
    for (let s = from; s < SPACE + 4; s++) {
      const l = this.labels[k]!.get(s);
      if (l === undefined) continue;
      const kind = l.startsWith("v") ? "received" : l;
      const prev = out[out.length - 1];
      if (prev && prev.label === kind && prev.last === s - 1) prev.last = s;
      else out.push({ first: s, last: s, label: kind });
    }
    return out;
  }

  ack(k: number): StreamAck {
    const next = this.nextSeq(k);
    const ranges = this.runs(k, next);
    return {
      ...KEYS[k]!,
      nextSeq: BigInt(next),
      received: ranges.filter((r) => r.label === "received").map((r): Range => ({ first: BigInt(r.first), last: BigInt(r.last) })),
      accounted: ranges
        .filter((r) => r.label !== "received")
        .map((r): AccountedRange => ({ first: BigInt(r.first), last: BigInt(r.last), reason: r.label as Reason })),
    };
  }

  accounted(k: number): AccountedRange[] {
    return this.runs(k, 0)
      .filter((r) => r.label !== "received")
      .map((r) => ({ first: BigInt(r.first), last: BigInt(r.last), reason: r.label as Reason }));
  }
}

/** The sequence numbers of the events a request carried for key `k`. */
function carried(actions: Action[], k: number): number[] {
  return actions.flatMap((a) => (a.kind === "events" && a.k === k ? Array.from({ length: a.count }, (_, i) => a.first + i) : []));
}

/**
 * [ACK-22] below next_seq the Ack reports accounted ranges, truthfully
 * (every number accounted with that reason), in order [ACK-9], covering every
 * carried event the custody covers as accounted. It may report more.
 */
function expectReportedBelow(ack: StreamAck, model: Model, k: number, events: number[]): void {
  const below = ack.accounted.filter((r) => r.first < ack.nextSeq);
  let floor = -1n;
  for (const r of below) {
    expect(r.first).toBeGreaterThan(floor);
    expect(r.last).toBeLessThan(ack.nextSeq);
    floor = r.last;
    for (let s = r.first; s <= r.last; s++) expect(model.labels[k]!.get(Number(s))).toBe(r.reason);
  }
  for (const s of events) {
    const label = model.labels[k]!.get(s)!;
    if (BigInt(s) >= ack.nextSeq || label.startsWith("v")) continue;
    expect(below.some((r) => r.first <= BigInt(s) && BigInt(s) <= r.last), `event ${s} accounted ${label} is reported`).toBe(true);
  }
}

/** The keys a request touches, each once: those of its runs, then those of its accountings. */
function touchedKeys(actions: Action[]): number[] {
  const runsFirst = [...actions.filter((a) => a.kind === "events"), ...actions.filter((a) => a.kind !== "events")];
  return [...new Set(runsFirst.map((a) => a.k))];
}

/** The gaps a sweep reported for `device`, as the model names them, by stream then seq. */
function gapsOf(device: Uint8Array, gaps: StreamGap[]): Gap[] {
  return gaps
    .filter((g) => Buffer.compare(g.deviceId, device) === 0)
    .map((g) => ({ k: KEYS.findIndex((x) => x.stream === g.stream && x.epoch === g.epoch), first: Number(g.first), last: Number(g.last) }))
    .sort((a, b) => a.k - b.k || a.first - b.first);
}

/**
 * Runs one step against the store and the model; a sweep covers the whole
 * shared file (other runs' devices too), and only this device's gaps count.
 */
async function step(device: Uint8Array, model: Model, clock: { nowMs: number }, s: Step, check: boolean) {
  clock.nowMs += s.dt;
  const outcomes = await store.ingest(s.group.map((g) => toRequest(device, g, clock.nowMs)));
  const expected = s.group.map((actions) => model.apply(actions, clock.nowMs));
  if (check) {
    s.group.forEach((actions, i) => {
      const o = outcomes[i]!;
      expect({ stored: o.stored, duplicates: o.duplicates, conflicts: o.conflicts }).toEqual(expected[i]);
      // Custody after the group's commit, for each stream the request touched, runs first.
      expect(o.custody.map((a) => ({ ...a, accounted: a.accounted.filter((r) => r.first >= a.nextSeq) }))).toEqual(touchedKeys(actions).map((k) => model.ack(k)));
      touchedKeys(actions).forEach((k, j) => expectReportedBelow(o.custody[j]!, model, k, carried(actions, k)));
    });
  }
  if (s.sweep === null) return;
  const gaps = gapsOf(device, await store.accountLostGaps(clock.nowMs, s.sweep));
  const modelGaps = model.sweep(clock.nowMs, s.sweep);
  if (check) expect(gaps).toEqual(modelGaps);
}

/** Where the previous run of the delivery property stopped reading the shared log. */
let logCursor = 0n;

describe("custody and delivery against a model", () => {
  it("[ACK-4] [ACK-6] [ACK-7] [ACK-8] [ACK-9] [ACK-11] [ACK-21] [ACK-22] [ID-6] custody, outcomes and lost gaps match the model for any arrival order and grouping", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (steps) => {
        const device = new Uint8Array(new Uint32Array([++devices]).buffer);
        const model = new Model();
        const clock = { nowMs: 1_000 };
        for (const s of steps) await step(device, model, clock, s, true);
        expect(await store.custody(device, KEYS)).toEqual(KEYS.map((_, k) => model.ack(k)));
        for (let k = 0; k < KEYS.length; k++) {
          expect(await store.accounted(device, KEYS[k]!)).toEqual(model.accounted(k));
        }
      }),
    );
  });

  it("[ACK-12] [LIFE-12] [ACK-21] the delivery log hands each number over once, in order, only when everything below is covered", async () => {
    // Start after what the other property left in the shared log.
    for (let page = await store.readDeliveries(0n, 10_000); page.length > 0; ) {
      logCursor = page[page.length - 1]!.position;
      page = await store.readDeliveries(logCursor, 10_000);
    }
    await fc.assert(
      fc.asyncProperty(scenario, async (steps) => {
        const device = new Uint8Array(new Uint32Array([++devices]).buffer);
        const model = new Model();
        const clock = { nowMs: 1_000 };
        const handed = KEYS.map(() => [] as string[]);
        let cursor = logCursor;
        for (const s of steps) {
          await step(device, model, clock, s, false);
          for (const d of await store.readDeliveries(cursor, 10_000)) {
            expect(d.position).toBeGreaterThan(cursor);
            cursor = d.position;
            // Entries of other runs' devices (a run cut short by a failure) are not this run's.
            if (Buffer.compare(d.deviceId, device) !== 0) continue;
            const k = KEYS.findIndex((x) => x.stream === d.stream && x.epoch === d.epoch);
            if (d.kind === "event") handed[k]!.push(`v${d.payload[1]}`);
            else for (let s = d.first; s <= d.last; s++) handed[k]!.push(d.reason);
          }
          // After each step: exactly the covered prefix, in sequence order, each number once.
          for (let k = 0; k < KEYS.length; k++) {
            const next = model.nextSeq(k);
            expect(handed[k]).toEqual(Array.from({ length: next }, (_, s) => model.labels[k]!.get(s)));
          }
        }
        logCursor = cursor;
      }),
    );
  });
});
