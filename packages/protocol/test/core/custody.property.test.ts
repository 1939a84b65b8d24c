/**
 * The custody properties of one hop, under the simulator: a sender and a
 * receiver over a link that loses, duplicates, delays and reorders, with
 * random disconnects (in-flight messages lost; on reconnect the sender
 * resends what is unacked), receiver crashes (what was not durable is lost),
 * random TTLs, random windows, a small buffer, critical events held for
 * end-to-end acks or not, then eventual connectivity.
 *
 * Replaying a failure: fast-check prints `{ seed, path }` and the shrunk
 * scenario. Run again with FERRY_SEED=<seed> (test/setup.ts), or pass
 * `{ seed, path, endOnFailure: true }` as the second argument of fc.assert
 * below. The scenario's own `seed` drives the link faults through the
 * simulator's PRNG, so the shrunk scenario alone replays the run:
 * `new CustodySim(scenario).sim.drive()`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CustodySim, STREAMS, type Action, type Item, type Scenario } from "./custody-sim.js";

const produce = fc.record({
  dt: fc.integer({ min: 0, max: 30 }),
  kind: fc.constant("produce" as const),
  stream: fc.constantFrom(...STREAMS.map((s) => s.stream)),
  size: fc.integer({ min: 1, max: 40 }),
  ttlMs: fc.option(fc.integer({ min: 5, max: 300 }), { nil: undefined }),
});
const disconnect = fc.record({ dt: fc.integer({ min: 0, max: 30 }), kind: fc.constant("disconnect" as const), downFor: fc.integer({ min: 1, max: 200 }) });
const crash = fc.record({ dt: fc.integer({ min: 0, max: 30 }), kind: fc.constant("crash" as const), downFor: fc.integer({ min: 1, max: 200 }) });
const windowChange = fc.record({
  dt: fc.integer({ min: 0, max: 30 }),
  kind: fc.constant("window" as const),
  window: fc.record({ events: fc.integer({ min: 0, max: 8 }), bytes: fc.integer({ min: 0, max: 300 }) }),
});
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 16, arbitrary: produce },
  { weight: 2, arbitrary: disconnect },
  { weight: 1, arbitrary: crash },
  { weight: 2, arbitrary: windowChange },
);

const scenario: fc.Arbitrary<Scenario> = fc.record({
  seed: fc.integer({ min: 0, max: 0x7fff_ffff }),
  capacity: fc.integer({ min: 1, max: 12 }),
  loss: fc.constantFrom(0, 0.05, 0.2),
  duplicate: fc.constantFrom(0, 0.1, 0.3),
  reorder: fc.constantFrom(0, 0.2),
  delay: fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 30 })).map(([lo, extra]): [number, number] => [lo, lo + extra]),
  commitDelay: fc.integer({ min: 0, max: 20 }),
  retransmitTimeoutMs: fc.option(fc.integer({ min: 20, max: 200 }), { nil: undefined }),
  maxMessage: fc.integer({ min: 64, max: 300 }),
  window: fc.record({ events: fc.integer({ min: 1, max: 10 }), bytes: fc.integer({ min: 20, max: 400 }) }),
  endToEndDelay: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
  actions: fc.array(action, { minLength: 5, maxLength: 60, size: "max" }),
});

/** Runs a scenario to the end; the run must terminate (idle) after healing. */
function run(s: Scenario): CustodySim {
  const h = new CustodySim(s);
  const r = h.sim.drive({ maxSteps: 50_000 });
  expect(r.idle, `did not settle: ${JSON.stringify(r)}`).toBe(true);
  return h;
}

/** Each sequence of each stream, in order, exactly once: the items must tile 0..n-1. */
function tiles(items: Item[], n: number): boolean {
  let next = 0n;
  for (const it of items) {
    const first = it.kind === "event" ? it.seq : it.first;
    if (first !== next) return false;
    next = (it.kind === "event" ? it.seq : it.last) + 1n;
  }
  return next === BigInt(n);
}

/**
 * Counterexamples fast-check found, kept as plain regression cases.
 * 1. A resent accounting, pending at the receiver while a later event was
 *    already durable, drew the same ack again and again: with a zero-delay
 *    link the sender and receiver ping-ponged forever at one instant (the
 *    loss rule was "missing below the highest acked seq"; it is now by send
 *    order, see StreamSender).
 */
const REGRESSIONS: Scenario[] = [
  {
    seed: 232755503, capacity: 1, loss: 0.2, duplicate: 0, reorder: 0, delay: [0, 0], commitDelay: 1, retransmitTimeoutMs: undefined, maxMessage: 64,
    window: { events: 1, bytes: 20 },
    endToEndDelay: undefined,
    actions: [
      { dt: 0, kind: "produce", stream: 1, size: 1, ttlMs: undefined },
      { dt: 0, kind: "produce", stream: 1, size: 1, ttlMs: undefined },
      { dt: 1, kind: "produce", stream: 1, size: 1, ttlMs: undefined },
      { dt: 2, kind: "produce", stream: 1, size: 1, ttlMs: undefined },
      { dt: 1, kind: "disconnect", downFor: 5 },
      { dt: 0, kind: "produce", stream: 3, size: 1, ttlMs: 5 },
      { dt: 0, kind: "produce", stream: 1, size: 1, ttlMs: undefined },
      { dt: 0, kind: "produce", stream: 2, size: 1, ttlMs: undefined },
      { dt: 0, kind: "produce", stream: 1, size: 1, ttlMs: undefined },
      { dt: 5, kind: "produce", stream: 3, size: 1, ttlMs: undefined },
    ],
  },
];

describe("custody over a faulty link (property)", () => {
  it.each(REGRESSIONS.map((s, i) => [i + 1, s] as const))("[ACK-6] regression %i settles with nothing lost", (_, s) => {
    const h = run(s);
    expect(h.violations).toEqual([]);
    for (const { stream } of STREAMS) expect(tiles(h.delivered.get(stream)!, h.produced.get(stream)!.length)).toBe(true);
  });

  it("[ACK-2] [ACK-4] [ACK-9] [ACK-11] [ACK-14] every event is delivered exactly once, in order, or accounted, and the accounting reaches the receiver", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const h = run(s);
        expect(h.violations).toEqual([]);
        for (const { stream } of STREAMS) {
          const produced = h.produced.get(stream)!;
          const items = h.delivered.get(stream)!;
          expect(tiles(items, produced.length), `stream ${stream}: ${items.length} items for ${produced.length} events`).toBe(true);
          for (const it of items) {
            if (it.kind === "event") {
              expect(it.payload).toEqual(produced[Number(it.seq)]!.payload);
              continue;
            }
            for (let seq = it.first; seq <= it.last; seq++) {
              const p = produced[Number(seq)]!;
              // Overflow only where the sender's buffer dropped it; expiry only for events with a TTL.
              if (it.reason === "overflow") expect(h.senderDrops.has(`${stream}:${seq}:overflow`)).toBe(true);
              else expect(it.reason === "expired" && p.deadline !== undefined).toBe(true);
            }
          }
          expect(h.outbox.sender(stream).isSettled).toBe(true);
        }
      }),
    );
  });

  it("[PRIO-5] [PRIO-6] no event is delivered after its deadline", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const h = run(s);
        // A hop's deadline is its arrival time + ttl_ms as sent; transit time is not
        // subtracted (no clock sync), so it may pass the producer's deadline by the
        // time a copy spent on the link: at most two delays (a duplicate's).
        const transit = 2 * s.delay[1];
        for (const { stream } of STREAMS) {
          for (const it of h.delivered.get(stream)!) {
            if (it.kind !== "event") continue;
            const p = h.produced.get(stream)![Number(it.seq)]!;
            if (p.deadline === undefined) {
              expect(it.deadline).toBeUndefined();
              continue;
            }
            expect(it.deadline).toBeDefined();
            expect(it.at).toBeLessThan(it.deadline!);
            expect(it.deadline!).toBeLessThanOrEqual(p.deadline + transit);
          }
        }
      }),
    );
  });

  it("[FLOW-1] [PRIO-10] [ENV-8] the window, the buffer capacity and max_message are never exceeded", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const h = run(s);
        // Window and capacity are checked at every send and enqueue (violations),
        // and the receiver never had to refuse anything (WINDOW_EXCEEDED).
        expect(h.violations).toEqual([]);
        expect(h.conn.forward.stats.oversize).toBe(0);
        expect(h.outbox.size).toBe(0);
      }),
    );
  });
});
