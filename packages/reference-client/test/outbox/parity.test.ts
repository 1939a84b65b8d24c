/**
 * The disk outbox and the in-memory outbox are the same LegSource: the same
 * scenario (takes, sends under random windows, acks, requeues, rewinds,
 * time passing) gives the same messages from both, compared in the form
 * the server sees (accounted ranges as sets of sequences, since the disk
 * outbox merges adjacent ranges [PRIO-11]). Then the real legs drive the
 * disk outbox against a fake server, as they drive the in-memory one.
 */
import { RangeSet, type Message, type Priority, type StreamAck } from "@ferry/protocol";
import fc from "fast-check";
import { afterEach, describe as suite, expect, it } from "vitest";
import { DiskOutbox } from "../../src/outbox/disk-outbox.js";
import { MemoryLogStorage } from "../../src/outbox/memory-log-storage.js";
import { MemoryOutbox } from "../../src/server-leg/memory-outbox.js";
import { ServerLeg } from "../../src/server-leg/server-leg.js";
import type { LegSource, SendLimits } from "../../src/server-leg/source.js";
import { CREDENTIAL, DEVICE, EPOCH, FakeServer } from "../server-leg/fake-server.js";
import { waitFor } from "../server-leg/wait.js";
import { describe, DEV, E, p, SEED, tempDir } from "./helpers.js";

const CLASS: Record<number, Priority> = { 1: "bulk", 2: "realtime", 3: "critical", 4: "bulk" };

type Step =
  | { t: "take"; stream: number; first: number; count: number; ttl: number }
  | { t: "account"; stream: number; first: number; count: number }
  | { t: "send"; events: number; bytes: number; may: boolean; times: number }
  | { t: "ack"; stream: number; deliver: number; skip: number }
  | { t: "requeue"; pick: number; one: number }
  | { t: "rewind" }
  | { t: "time"; ms: number };

const stream = fc.integer({ min: 1, max: 4 });
const step: fc.Arbitrary<Step> = fc.oneof(
  // Only the realtime stream has TTLs, always: the in-memory outbox would put events with and
  // without a deadline in one run, which the disk outbox does not [PRIO-4] (see disk-outbox.test.ts).
  {
    weight: 5,
    arbitrary: fc
      .record({ t: fc.constant("take" as const), stream, first: fc.nat(30), count: fc.integer({ min: 1, max: 6 }), ttl: fc.constantFrom(50, 200) })
      .map((s) => (s.stream === 2 ? s : { ...s, ttl: 0 })),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("account" as const), stream, first: fc.nat(30), count: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant("send" as const), events: fc.nat(8), bytes: fc.nat(40), may: fc.boolean(), times: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("ack" as const), stream, deliver: fc.nat(6), skip: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("requeue" as const), pick: fc.nat(), one: fc.nat(8) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("rewind" as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("time" as const), ms: fc.integer({ min: 1, max: 120 }) }) },
);

/** What each side does for a step: the messages it sent, and what it then holds pending. */
async function playBoth(steps: Step[]): Promise<{ memory: string[]; disk: string[] }> {
  let now = 0;
  const memory = new MemoryOutbox();
  const disk = await DiskOutbox.open(new MemoryLogStorage(), { clock: () => now });
  const diskSource = disk.source(DEV);
  const out = { memory: [] as string[], disk: [] as string[] };
  const everTaken = new Set<string>();
  const sent: Message[] = [];
  const undelivered: Message[] = [];
  const server = new Map<number, RangeSet>();
  const both = (f: (s: LegSource, log: string[]) => void) => {
    f(memory, out.memory);
    f(diskSource, out.disk);
  };
  for (const s of steps) {
    const key = { stream: "stream" in s ? s.stream : 0, epoch: E };
    if (s.t === "take") {
      // A device replays only what the app's custody lacks; the in-memory outbox keeps no
      // custody and would take an identity it already forwarded or accounted again [ACK-7].
      const seqs = Array.from({ length: s.count }, (_, i) => `${s.stream}/${s.first + i}`);
      if (seqs.some((q) => everTaken.has(q))) continue;
      seqs.forEach((q) => everTaken.add(q));
      const payloads = Array.from({ length: s.count }, (_, i) => p(s.stream * 40 + s.first + i, 1 + ((s.first + i) % 5)));
      payloads.forEach((pl, i) => memory.add(key, CLASS[s.stream]!, BigInt(s.first + i), pl, now, s.ttl));
      await disk.take(DEV, [{ stream: s.stream, firstSeq: BigInt(s.first), priority: CLASS[s.stream]!, ttlMs: s.ttl, epoch: E, payloads, signatures: [] }]);
    } else if (s.t === "account") {
      // An accounting the device sent for numbers the app does not hold (as the disk outbox keeps it [ACK-11]).
      const seqs = Array.from({ length: s.count }, (_, i) => BigInt(s.first + i));
      if (seqs.length !== s.count || seqs.some((q) => everTaken.has(`${s.stream}/${q}`))) continue;
      seqs.forEach((q) => everTaken.add(`${s.stream}/${q}`));
      const range = { first: seqs[0]!, last: seqs[seqs.length - 1]!, reason: "lost" as const };
      memory.addAccounting(key, range, CLASS[s.stream]);
      await disk.takeWithResult(DEV, [], [{ stream: s.stream, epoch: E, ranges: [range] }], new Map([[s.stream, CLASS[s.stream]!]]));
    } else if (s.t === "send") {
      const limits: SendLimits = { events: s.events, bytes: s.bytes, mayExceedBytes: s.may, maxMessage: 1 << 20 };
      both((src, log) => {
        for (let i = 0; i < s.times; i++) {
          const m = src.next(limits, now);
          log.push(m ? describe(m) : "-");
          if (m && src === diskSource) sent.push(m), undelivered.push(m);
        }
      });
    } else if (s.t === "ack") {
      // A server's custody: what it received of what was sent, some messages skipped (lost) [ACK-3].
      for (let i = 0; i < s.deliver && undelivered.length > 0; i++) {
        const m = undelivered.splice(Math.min(s.skip, undelivered.length - 1), 1)[0]!;
        const k = m.type === "events" ? m.events : m.type === "accounting" ? m.accounting : undefined;
        if (!k) continue;
        const got = server.get(k.stream) ?? new RangeSet();
        server.set(k.stream, got);
        if (m.type === "events") got.add(m.events.firstSeq, m.events.firstSeq + BigInt(m.events.payloads.length) - 1n);
        if (m.type === "accounting") got.addAll(m.accounting.ranges);
      }
      const got = server.get(s.stream) ?? new RangeSet();
      const nextSeq = got.nextMissing(0n);
      const sa: StreamAck = { stream: s.stream, epoch: E, nextSeq, received: got.above(nextSeq), accounted: [] };
      memory.acknowledge([sa], "hop", now);
      await disk.acknowledge(DEV, [sa]);
    } else if (s.t === "requeue") {
      // As the leg does: what it sent, shown lost, one event of a run or a whole message [ACK-17] [ACK-18].
      const m = sent[s.pick % Math.max(1, sent.length)];
      if (!m) continue;
      if (m.type === "events") {
        const n = BigInt(m.events.payloads.length);
        const one = m.events.firstSeq + (BigInt(s.one) % n);
        const ranges = s.one % 2 === 0 ? [{ first: one, last: one }] : [{ first: m.events.firstSeq, last: m.events.firstSeq + n - 1n }];
        both((src) => src.requeue(m.events, ranges));
      } else if (m.type === "accounting") {
        both((src) => src.requeue(m.accounting, m.accounting.ranges));
      }
    } else if (s.t === "rewind") {
      both((src) => src.rewind());
    } else {
      now += s.ms;
    }
    both((src, log) => log.push(`pending ${JSON.stringify(src.pending())}`));
  }
  return out;
}

suite("disk outbox and in-memory outbox: one LegSource", () => {
  it("[PRIO-3] [PRIO-6] [ACK-1] [ACK-16] [FLOW-1] the same scenario gives the same messages from both", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40, size: "max" }), async (steps) => {
        const { memory, disk } = await playBoth(steps);
        expect(disk).toEqual(memory);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

suite("the server leg drives the disk outbox unchanged", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  const tmp = tempDir();
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });
  cleanup.push(() => tmp.cleanup());

  it("[HS-5] [HS-10] [ACK-14] [ACK-17] [WS-3] streams from disk, critical first, resumes with the stored token, frees only on acks", async () => {
    const server = await new FakeServer({ window: { events: 32, bytes: 2048 }, refuseOnce: (_k, seq) => seq % 11n === 5n }).start();
    cleanup.push(() => server.stop());
    const file = tmp.file();
    const relayed: StreamAck[] = [];
    const outbox = await DiskOutbox.openFile(file, { onEndToEnd: (_d, acks) => relayed.push(...acks) });
    const take = (stream: number, from: number, to: number) =>
      outbox.take(DEVICE, [{ stream, firstSeq: BigInt(from), priority: stream === 3 ? "critical" : "bulk", ttlMs: 0, epoch: EPOCH, payloads: Array.from({ length: to - from }, (_, i) => p(from + i, 8)), signatures: [] }]);
    await take(1, 0, 200);
    await take(3, 0, 5);
    const leg = new ServerLeg({ url: server.url, source: outbox.source(DEVICE), tokens: outbox.tokens("fake", DEVICE), deviceId: DEVICE, credential: CREDENTIAL, random: () => 0 });
    cleanup.push(() => leg.stop());
    leg.start();
    await waitFor("drained", () => outbox.size === 0, { describe: () => `${outbox.size} held` });
    expect(server.arrivals[0]?.key).toBe(`3/${EPOCH}`);
    expect(relayed.at(-1)).toMatchObject({ stream: 3, nextSeq: 5n });
    await outbox.sync();
    const token = outbox.loadToken("fake", DEVICE);
    expect(token).toBeDefined();
    // The server restarts; the app keeps taking; the leg resumes with the token it stored on disk.
    await server.stop(1001);
    await take(1, 200, 260);
    await server.start();
    await waitFor("resumed and drained", () => leg.stats.welcomes === 2 && outbox.size === 0, { describe: () => JSON.stringify(leg.stats) });
    expect(leg.lastOutcome?.resumed).toBe(true);
    expect(server.held({ stream: 1, epoch: EPOCH })).toHaveLength(260);
    await leg.stop();
    await outbox.close();
    // What the server acknowledged stays freed after a restart of the app.
    const reopened = await DiskOutbox.openFile(file);
    expect(reopened.size).toBe(0);
    expect(reopened.endToEnd(DEVICE)).toEqual([{ stream: 3, epoch: EPOCH, nextSeq: 5n, received: [], accounted: [] }]);
    expect(reopened.custody(DEVICE).map((c) => [c.stream, c.nextSeq])).toEqual([
      [1, 260n],
      [3, 5n],
    ]);
    await reopened.close();
  });
});
