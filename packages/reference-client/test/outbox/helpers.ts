import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EventRun, Message, Priority, StreamAck } from "@ferry/protocol";
import type { DiskOutbox } from "../../src/outbox/disk-outbox.js";
import type { LegSource, SendLimits } from "../../src/server-leg/source.js";

export const SEED = Number(process.env.FERRY_SEED ?? 20261122);
export const DEV = Uint8Array.of(0xd0, 0x01);
export const DEV2 = Uint8Array.of(0xd0, 0x02);
export const E = 0x5a17c0de;
export const OPEN: SendLimits = { events: 1024, bytes: 1 << 20, mayExceedBytes: true, maxMessage: 1 << 20 };

export const p = (n: number, size = 4): Uint8Array => new Uint8Array(size).fill(n & 0xff);

export function run(stream: number, first: number | bigint, count: number, opts: { priority?: Priority; ttlMs?: number; epoch?: number; size?: number; fill?: number; signed?: boolean } = {}): EventRun {
  const payloads = Array.from({ length: count }, (_, i) => p((opts.fill ?? Number(first)) + i, opts.size ?? 4));
  return {
    stream,
    firstSeq: BigInt(first),
    priority: opts.priority ?? "bulk",
    ttlMs: opts.ttlMs ?? 0,
    epoch: opts.epoch ?? E,
    payloads,
    signatures: opts.signed ? payloads.map((_, i) => new Uint8Array(64).fill(i + 1)) : [],
  };
}

export const ack = (stream: number, nextSeq: bigint, extra: Partial<StreamAck> = {}): StreamAck => ({ stream, epoch: E, nextSeq, received: [], accounted: [], ...extra });

export function drain(source: LegSource, limits: SendLimits = OPEN, now = 0): Message[] {
  const out: Message[] = [];
  for (let m = source.next(limits, now); m; m = source.next(limits, now)) out.push(m);
  return out;
}

/** A short, comparable form of a message, accounted ranges as sorted sets of seqs. */
export function describe(m: Message): string {
  if (m.type === "events") {
    const e = m.events;
    return `ev ${e.stream}/${e.epoch}:${e.firstSeq}+${e.payloads.length} ${e.priority} ttl=${e.ttlMs} sig=${e.signatures.length} [${e.payloads.map((x) => Buffer.from(x).toString("hex")).join(",")}]`;
  }
  if (m.type === "accounting") {
    const seqs: { seq: bigint; reason: string }[] = [];
    for (const r of m.accounting.ranges) for (let s = r.first; s <= r.last; s++) seqs.push({ seq: s, reason: r.reason });
    seqs.sort((a, b) => (a.seq < b.seq ? -1 : 1));
    return `acc ${m.accounting.stream}/${m.accounting.epoch} {${seqs.map((x) => `${x.seq}:${x.reason}`).join(",")}}`;
  }
  return m.type;
}

/** Everything the outbox would tell a device, the server leg and the demo, for comparing two outboxes. */
export function dumpState(outbox: DiskOutbox, devices: Uint8Array[]): unknown {
  return devices.map((d) => {
    const source = outbox.source(d);
    source.rewind();
    const messages = drain(source).map(describe);
    source.rewind();
    return {
      device: Buffer.from(d).toString("hex"),
      custody: outbox.custody(d),
      endToEnd: outbox.endToEnd(d),
      pending: source.pending(),
      stats: outbox.stats(d),
      commands: outbox.commands(d),
      messages,
    };
  });
}

export function tempDir(): { dir: string; file: (name?: string) => string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-outbox-"));
  let n = 0;
  return { dir, file: (name) => path.join(dir, name ?? `outbox-${n++}.log`), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
