/**
 * The fixed-capacity buffer and its overflow policy, drop-lowest-oldest:
 * the spec's table of examples, and the drops reported as accountings
 * [PRIO-10] [PRIO-11].
 */
import { describe, expect, it } from "vitest";
import { Device, MemoryFlash, type Observation } from "../../src/index.js";
import { inProcess, ofKind, testConfig } from "../support/harness.js";

const STREAM = { B: 3, R: 2, C: 1 } as const;
type Label = `${"B" | "R" | "C"}${number}`;

/** A device of capacity 4 that produced `before` (each label's number is its seq + 1 within its class). */
function scenario(before: Label[]) {
  const observations: Observation[] = [];
  let r = 1;
  const d = new Device({ config: testConfig({ capacity: 4 }), flash: new MemoryFlash(), randomU32: () => r++, now: 0, send: () => {}, observe: (o) => observations.push(o) });
  const produce = (l: Label) => {
    const stream = STREAM[l[0] as "B" | "R" | "C"];
    expect(d.produce(stream, new Uint8Array([1]), 0)).toBe(BigInt(Number(l.slice(1)) - 1));
  };
  before.forEach(produce);
  return {
    produce,
    observations,
    buffer: (): Label[] => {
      const held = d.durableState().streams.flatMap((s) => s.state.events.map((e) => ({ e, stream: s.stream })));
      held.sort((a, b) => a.e.arrival - b.e.arrival);
      const cls = (stream: number) => (Object.keys(STREAM) as Array<"B" | "R" | "C">).find((k) => STREAM[k] === stream)!;
      return held.map(({ e, stream }) => `${cls(stream)}${Number(e.seq) + 1}` as Label);
    },
  };
}

describe("overflow policy drop-lowest-oldest", () => {
  it.each<[Label[], Label, Label, Label[]]>([
    [["B1", "R1", "C1", "B2"], "R2", "B1", ["R1", "C1", "B2", "R2"]],
    [["R1", "C1", "R2", "B1"], "B2", "B1", ["R1", "C1", "R2", "B2"]],
    [["R1", "C1", "R2", "C2"], "B1", "B1", ["R1", "C1", "R2", "C2"]],
    [["R1", "C1", "R2", "C2"], "C3", "R1", ["C1", "R2", "C2", "C3"]],
    [["C1", "C2", "C3", "C4"], "C5", "C1", ["C2", "C3", "C4", "C5"]],
  ])("[PRIO-10] [PRIO-9] capacity 4: %j then %s drops %s", (before, next, dropped, after) => {
    const s = scenario(before);
    s.produce(next);
    expect(s.buffer()).toEqual(after);
    const seq = BigInt(Number(dropped.slice(1)) - 1);
    expect(ofKind(s.observations, "dropped")).toEqual([
      { event: "dropped", stream: STREAM[dropped[0] as "B" | "R" | "C"], epoch: expect.any(Number), ranges: [{ first: seq, last: seq }], reason: "overflow" },
    ]);
  });

  it("[PRIO-11] [ACK-11] sends the drops as one Accounting range with reason OVERFLOW, before the stream's events", async () => {
    const h = inProcess(testConfig({ capacity: 2 }));
    for (let i = 0; i < 5; i++) h.produce(3);
    expect(ofKind(h.observations, "dropped").flatMap((o) => o.ranges)).toEqual([0n, 1n, 2n].map((s) => ({ first: s, last: s })));
    await h.central.open();
    await h.central.waitFor(() => h.central.events().length === 2, "replay");
    const first = h.central.uplink[0]!;
    expect(first).toEqual({ type: "accounting", accounting: { stream: 3, epoch: 0, ranges: [{ first: 0n, last: 2n, reason: "overflow" }] } });
    expect(h.central.events().map((e) => e.seq)).toEqual([3n, 4n]);
    // The accounting stays in custody until acknowledged, then leaves [ACK-1].
    await h.central.ack();
    expect(h.link.device.status().streams[2]).toMatchObject({ buffered: 0, accounted: 0n });
  });
});
