/** fast-check arbitraries for every Ferry message, shared by the law suites. */
import fc from "fast-check";
import type * as M from "../src/message.js";
import { MAX_U64 } from "../src/message.js";

export const u32 = fc.nat({ max: 0xffffffff });
export const u64 = fc.bigInt({ min: 0n, max: MAX_U64 });
const smallU64 = fc.bigInt({ min: 0n, max: 1n << 40n });
export const bytes = (max = 32) => fc.uint8Array({ maxLength: max });
export const priority = fc.constantFrom<M.Priority>("bulk", "realtime", "critical");
export const reason = fc.constantFrom<M.Reason>("expired", "overflow", "rejected", "lost");
export const scope = fc.constantFrom<M.Scope>("hop", "end-to-end");
export const deviceId = fc.uint8Array({ minLength: 1, maxLength: 16 });

export const range: fc.Arbitrary<M.Range> = fc
  .tuple(smallU64, fc.bigInt({ min: 0n, max: 1000n }))
  .map(([first, len]) => ({ first, last: first + len }));
export const accountedRange: fc.Arbitrary<M.AccountedRange> = fc.tuple(range, reason).map(([r, reason]) => ({ ...r, reason }));
export const window: fc.Arbitrary<M.Window> = fc.record({ events: u32, bytes: u32 });

/** Selective ranges above next_seq: ascending, disjoint, not adjacent [ACK-6]. */
export const streamAck: fc.Arbitrary<M.StreamAck> = fc
  .record({
    stream: u32,
    epoch: u32,
    nextSeq: smallU64,
    gaps: fc.array(fc.tuple(fc.bigInt({ min: 1n, max: 50n }), fc.bigInt({ min: 0n, max: 50n })), { maxLength: 4 }),
    accounted: fc.array(accountedRange, { maxLength: 3 }),
  })
  .map(({ stream, epoch, nextSeq, gaps, accounted }) => {
    const received: M.Range[] = [];
    let at = nextSeq;
    for (const [gap, len] of gaps) {
      const first = at + gap;
      received.push({ first, last: first + len });
      at = first + len + 1n;
    }
    return { stream, epoch, nextSeq, received, accounted };
  });

export const eventRun: fc.Arbitrary<M.EventRun> = fc
  .record({
    stream: u32,
    firstSeq: fc.bigInt({ min: 0n, max: MAX_U64 - 65n }),
    priority,
    ttlMs: u32,
    epoch: u32,
    payloads: fc.array(bytes(64), { minLength: 1, maxLength: 8 }),
    signed: fc.boolean(),
  })
  .map(({ signed, ...r }) => ({ ...r, signatures: signed ? r.payloads.map(() => new Uint8Array(64).fill(7)) : [] }));

const optionalWindow = fc.option(window, { nil: undefined });
const withWindow = <T extends object>(o: T & { window?: M.Window | undefined }) => {
  const { window: w, ...rest } = o;
  return (w ? { ...rest, window: w } : rest) as T;
};

export const hello: fc.Arbitrary<M.Hello> = fc
  .record({
    majors: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
    minor: u32,
    role: fc.constantFrom<M.Role>("device", "app", "server"),
    deviceId: fc.uint8Array({ maxLength: 16 }),
    features: u32,
    credential: bytes(),
    resumeToken: bytes(48),
    custody: fc.array(streamAck, { maxLength: 3 }),
    window: optionalWindow,
    maxMessage: u32,
    wakeBudgetMs: u32,
    pending: fc.array(fc.record({ stream: u32, epoch: u32 }), { maxLength: 3 }),
  })
  .map((h) => withWindow<M.Hello>(h));

export const welcome: fc.Arbitrary<M.Welcome> = fc
  .record({
    major: u32,
    minor: u32,
    features: u32,
    sessionId: bytes(16),
    resumeToken: bytes(48),
    resumeTtlS: u32,
    resumed: fc.boolean(),
    resumeRefused: u32,
    custody: fc.array(streamAck, { maxLength: 3 }),
    window: optionalWindow,
    maxMessage: u32,
  })
  .map((w) => withWindow<M.Welcome>(w));

export const ack: fc.Arbitrary<M.Ack> = fc
  .record({ streams: fc.array(streamAck, { maxLength: 4 }), window: optionalWindow, scope, commandsPending: u32 })
  .map((a) => withWindow<M.Ack>(a));

export const message: fc.Arbitrary<M.Message> = fc.oneof(
  hello.map((hello) => ({ type: "hello" as const, hello })),
  welcome.map((welcome) => ({ type: "welcome" as const, welcome })),
  eventRun.map((events) => ({ type: "events" as const, events })),
  ack.map((ack) => ({ type: "ack" as const, ack })),
  fc
    .record({ stream: u32, epoch: u32, ranges: fc.array(accountedRange, { minLength: 1, maxLength: 4 }) })
    // [ENV-11] accounting ranges ascend and are disjoint: lay them end to end.
    .map(({ ranges, ...a }) => {
      let at = 0n;
      const laid = ranges.map((r) => {
        const first = at + r.first;
        at = first + (r.last - r.first) + 1n;
        return { first, last: at - 1n, reason: r.reason };
      });
      return { type: "accounting" as const, accounting: { ...a, ranges: laid } };
    }),
  fc.record({ id: u64, payload: bytes(), ttlMs: u32 }).map((command) => ({ type: "command" as const, command })),
  fc
    .record({ ids: fc.array(u64, { maxLength: 4 }), outcome: fc.constantFrom<M.CommandOutcome>("received", "executed", "expired", "rejected"), scope })
    .map((commandAck) => ({ type: "commandAck" as const, commandAck })),
  fc
    .record({ code: u32, detail: fc.string({ maxLength: 40 }), stream: fc.option(fc.record({ stream: u32, epoch: u32, seq: u64 }), { nil: undefined }) })
    .map(({ stream, ...e }) => ({ type: "error" as const, error: stream ? { ...e, stream } : e })),
  fc.record({ stream: u32, seq: u64, summary: bytes(64) }).map((wakeHint) => ({ type: "wakeHint" as const, wakeHint })),
);

export const deviceInfo: fc.Arbitrary<M.DeviceInfo> = fc.record({
  majors: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
  minor: u32,
  features: u32,
  deviceId,
  epoch: fc.integer({ min: 1, max: 0xffffffff }),
  bufferCapacity: u32,
  streams: fc.array(fc.record({ stream: u32, priority, ttlMs: u32, name: fc.string({ maxLength: 32 }) }), { maxLength: 4 }),
  maxMessage: u32,
  publicKey: fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ minLength: 32, maxLength: 32 })),
});
