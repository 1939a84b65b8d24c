/**
 * The simulated disk's crash property: whatever the operations (takes,
 * server acks, sends, compactions, tokens), whether or not each was waited
 * for, and wherever the crash lands (with a random part of the unsynced
 * tail kept, maybe a torn record), the reopened outbox
 *
 * - covers in its custody every event whose take had resolved [ACK-2] [LIFE-5],
 *   and still holds each of them unless the server's custody covered it [ACK-1]
 *   or the full outbox dropped it with an accounting it still holds [PRIO-12];
 * - holds each identity at most once, with the payload that was taken, and
 *   nothing that was never taken;
 * - keeps its counters consistent: taken = held + forwarded + expired + dropped.
 */
import { Prng } from "@ferry/protocol/sim";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DiskOutbox } from "../../src/outbox/disk-outbox.js";
import { MemoryLogStorage } from "../../src/outbox/memory-log-storage.js";
import { covers } from "../../src/server-leg/coverage.js";
import { ack, DEV, drain, E, OPEN, p, SEED } from "./helpers.js";

type Op =
  | { t: "take"; stream: number; first: number; count: number; wait: boolean }
  | { t: "ack"; stream: number; next: number; wait: boolean }
  | { t: "send"; wait: boolean }
  | { t: "compact"; wait: boolean }
  | { t: "token"; wait: boolean }
  | { t: "tick"; wait: boolean };

const CLASS = { 1: "bulk", 2: "realtime", 3: "critical" } as const;
const stream = fc.constantFrom(1, 2, 3);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant("take" as const), stream, first: fc.nat(40), count: fc.integer({ min: 1, max: 5 }), wait: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("ack" as const), stream, next: fc.nat(45), wait: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("send" as const), wait: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("compact" as const), wait: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("token" as const), wait: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("tick" as const), wait: fc.constant(true) }) },
);

const payloadOf = (s: number, seq: bigint) => p(s * 64 + Number(seq), 3 + s);
const tick = () => new Promise((r) => setImmediate(r));

describe("disk outbox on a simulated disk that crashes", () => {
  it("[ACK-2] [LIFE-5] [ACK-1] anything whose take resolved survives any crash; no identity held twice", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(op, { maxLength: 25, size: "max" }), { minLength: 1, maxLength: 3, size: "max" }), fc.nat(), async (cycles, crashSeed) => {
        const prng = new Prng(crashSeed);
        const acknowledged = new Map<string, { stream: number; seq: bigint }>();
        const taken = new Set<string>();
        const serverCustody: { stream: number; next: bigint }[] = [];
        let storage = new MemoryLogStorage();
        for (const ops of cycles) {
          const outbox = await DiskOutbox.open(storage, { capacity: 12, compaction: { minBytes: 0, deadShare: 0.3 }, onError: () => {} });
          let crashed = false; // a take that resolves after the crash was never acknowledged
          for (const o of ops) {
            let done: Promise<unknown> = Promise.resolve();
            if (o.t === "take") {
              const seqs = Array.from({ length: o.count }, (_, i) => BigInt(o.first + i));
              for (const s of seqs) taken.add(`${o.stream}/${s}`);
              const run = { stream: o.stream, firstSeq: BigInt(o.first), priority: CLASS[o.stream as 1], ttlMs: 0, epoch: E, payloads: seqs.map((s) => payloadOf(o.stream, s)), signatures: [] };
              done = outbox.take(DEV, [run]).then(() => {
                if (!crashed) seqs.forEach((seq) => acknowledged.set(`${o.stream}/${seq}`, { stream: o.stream, seq }));
              });
            } else if (o.t === "ack") {
              serverCustody.push({ stream: o.stream, next: BigInt(o.next) });
              done = outbox.acknowledge(DEV, [ack(o.stream, BigInt(o.next))]);
            } else if (o.t === "send") {
              drain(outbox.source(DEV), { ...OPEN, events: 7 });
            } else if (o.t === "compact") {
              done = outbox.compact();
            } else if (o.t === "token") {
              done = outbox.saveToken("wss://s", DEV, Uint8Array.of(prng.int(0, 255)));
            }
            done = done.catch(() => {}); // a crash rejects what is still pending
            if (o.wait) await done;
            if (o.t === "tick") await tick();
          }
          storage = storage.crash(() => prng.float());
          crashed = true;
        }
        const reopened = await DiskOutbox.open(storage, { capacity: 12 });
        const custody = reopened.custody(DEV);
        const sent = drain(reopened.source(DEV));
        const accounted = new Set(sent.flatMap((m) => (m.type === "accounting" ? m.accounting.ranges.flatMap((r) => Array.from({ length: Number(r.last - r.first) + 1 }, (_, i) => `${m.accounting.stream}/${r.first + BigInt(i)}`)) : [])));
        for (const { stream: s, seq } of acknowledged.values()) {
          const c = custody.find((x) => x.stream === s);
          expect(c && covers(c, seq), `custody of ${s} covers ${seq}`).toBe(true);
          // Held, or freed by the server's custody, or dropped from the full outbox and accounted [PRIO-12].
          const freed = serverCustody.some((a) => a.stream === s && seq < a.next);
          if (!freed && !accounted.has(`${s}/${seq}`)) expect(reopened.held(DEV, { stream: s, epoch: E }), `${s}/${seq} held`).toContain(seq);
        }
        for (const s of [1, 2, 3]) {
          const held = reopened.held(DEV, { stream: s, epoch: E });
          expect(new Set(held).size).toBe(held.length);
          for (const seq of held) expect(taken.has(`${s}/${seq}`)).toBe(true);
          const payloads = sent.flatMap((m) => (m.type === "events" && m.events.stream === s ? m.events.payloads.map((pl, i) => ({ seq: m.events.firstSeq + BigInt(i), pl })) : []));
          expect(payloads.map((x) => x.seq)).toEqual(held);
          for (const x of payloads) expect(x.pl).toEqual(payloadOf(s, x.seq));
        }
        for (const st of reopened.stats(DEV)) expect(st.taken).toBe(st.held + st.forwarded + st.expired + st.dropped);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});
