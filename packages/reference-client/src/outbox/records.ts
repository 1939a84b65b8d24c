/**
 * The outbox log's records: what the app keeps on disk so it can resume from
 * storage alone after termination, force-quit or reboot [LIFE-5].
 *
 * | kind             | written when                                   | requirement            |
 * |------------------|------------------------------------------------|------------------------|
 * | header           | the log is created or compacted                | format version         |
 * | events           | events taken from a device (before the Ack)    | [LIFE-4] [ACK-2]       |
 * | accounting       | an accounting taken, or the app's own          | [ACK-11] [ACK-19]      |
 * | server-custody   | a server StreamAck applied                     | [ACK-1] [ACK-14]       |
 * | stream           | compaction: custody and counters of a stream   | [DHS-3]                |
 * | token            | a Welcome's resume token                       | [HS-5]                 |
 * | command          | a command taken from the server                | [CMD-7]                |
 * | command-outcome  | a command settled (device or app outcome)      | [CMD-7]                |
 *
 * `restored` marks records that compaction rewrote: replay rebuilds the
 * state from them but does not count them again in the stream's counters.
 */
import type { AccountedRange, CommandOutcome, Priority, Range, Reason, Scope, StreamAck } from "@ferry/protocol";
import { ByteReader, ByteWriter } from "./bytes.js";

export const LOG_FORMAT_VERSION = 1;

export interface StoredEvent {
  seq: bigint;
  payload: Uint8Array;
  signature?: Uint8Array;
  /** On the outbox clock; absent: never expires [PRIO-4]. */
  deadline?: number;
}

/** What the demo's accounting table shows per stream. */
export interface StreamCounters {
  /** Events taken into custody from the device. */
  taken: number;
  /** Events freed by the server's custody [ACK-1]. */
  forwarded: number;
  /** Events the app accounted EXPIRED itself [PRIO-6]. */
  expired: number;
  /** Events the app dropped for overflow [PRIO-12]. */
  dropped: number;
}

interface StreamRecordKey {
  device: Uint8Array;
  epoch: number;
  stream: number;
  priority: Priority;
}

export type OutboxRecord =
  | { kind: "header"; version: number }
  | ({ kind: "events"; restored: boolean; events: StoredEvent[] } & StreamRecordKey)
  | ({ kind: "accounting"; restored: boolean; own: boolean; ranges: AccountedRange[] } & StreamRecordKey)
  | { kind: "server-custody"; device: Uint8Array; acks: StreamAck[] }
  | ({ kind: "stream"; received: Range[]; accounted: AccountedRange[]; counters: StreamCounters } & StreamRecordKey)
  | { kind: "token"; server: string; device: Uint8Array; token: Uint8Array }
  | { kind: "command"; device: Uint8Array; id: bigint; payload: Uint8Array; deadline?: number }
  | { kind: "command-outcome"; device: Uint8Array; ids: bigint[]; outcome: CommandOutcome; scope: Scope };

const KINDS = ["header", "events", "accounting", "server-custody", "stream", "token", "command", "command-outcome"] as const;
const PRIORITIES: readonly Priority[] = ["bulk", "realtime", "critical"];
const REASONS: readonly Reason[] = ["expired", "overflow", "rejected", "lost"];
const OUTCOMES: readonly CommandOutcome[] = ["received", "executed", "expired", "rejected"];
const SCOPES: readonly Scope[] = ["hop", "end-to-end"];

function code<T>(table: readonly T[], v: T): number {
  const i = table.indexOf(v);
  if (i < 0) throw new RangeError(`no code for ${String(v)}`);
  return i;
}

function named<T>(table: readonly T[], i: number, what: string): T {
  const v = table[i];
  if (v === undefined) throw new RangeError(`unknown ${what} ${i}`);
  return v;
}

const writeRanges = (w: ByteWriter, rs: readonly Range[]) => {
  w.uint(rs.length);
  for (const r of rs) w.uint(r.first).uint(r.last - r.first);
};
const readRanges = (r: ByteReader): Range[] =>
  Array.from({ length: r.uint() }, () => {
    const first = r.bigint();
    return { first, last: first + r.bigint() };
  });
const writeAccounted = (w: ByteWriter, rs: readonly AccountedRange[]) => {
  w.uint(rs.length);
  for (const r of rs) w.uint(r.first).uint(r.last - r.first).uint(code(REASONS, r.reason));
};
const readAccounted = (r: ByteReader): AccountedRange[] =>
  Array.from({ length: r.uint() }, () => {
    const first = r.bigint();
    return { first, last: first + r.bigint(), reason: named(REASONS, r.uint(), "reason") };
  });
const writeKey = (w: ByteWriter, k: StreamRecordKey) => w.bytes(k.device).uint(k.epoch).uint(k.stream).uint(code(PRIORITIES, k.priority));
const readKey = (r: ByteReader): StreamRecordKey => ({ device: r.bytes(), epoch: r.uint(), stream: r.uint(), priority: named(PRIORITIES, r.uint(), "priority") });

export function encodeRecord(rec: OutboxRecord): Uint8Array {
  const w = new ByteWriter().uint(code(KINDS, rec.kind));
  switch (rec.kind) {
    case "header":
      w.uint(rec.version);
      break;
    case "events":
      writeKey(w, rec);
      w.bool(rec.restored).uint(rec.events.length);
      for (const e of rec.events) w.uint(e.seq).optionalUint(e.deadline).bytes(e.payload).optionalBytes(e.signature);
      break;
    case "accounting":
      writeKey(w, rec);
      w.bool(rec.restored).bool(rec.own);
      writeAccounted(w, rec.ranges);
      break;
    case "server-custody":
      w.bytes(rec.device).uint(rec.acks.length);
      for (const a of rec.acks) {
        w.uint(a.stream).uint(a.epoch).uint(a.nextSeq);
        writeRanges(w, a.received);
        writeAccounted(w, a.accounted);
      }
      break;
    case "stream":
      writeKey(w, rec);
      writeRanges(w, rec.received);
      writeAccounted(w, rec.accounted);
      w.uint(rec.counters.taken).uint(rec.counters.forwarded).uint(rec.counters.expired).uint(rec.counters.dropped);
      break;
    case "token":
      w.string(rec.server).bytes(rec.device).bytes(rec.token);
      break;
    case "command":
      w.bytes(rec.device).uint(rec.id).optionalUint(rec.deadline).bytes(rec.payload);
      break;
    case "command-outcome":
      w.bytes(rec.device).uint(code(OUTCOMES, rec.outcome)).uint(code(SCOPES, rec.scope)).uint(rec.ids.length);
      for (const id of rec.ids) w.uint(id);
      break;
  }
  return w.finish();
}

export function decodeRecord(body: Uint8Array): OutboxRecord {
  const r = new ByteReader(body);
  const kind = named(KINDS, r.uint(), "record kind");
  const rec = decodeBody(kind, r);
  if (!r.done) throw new RangeError(`${kind} record has trailing bytes`);
  return rec;
}

function decodeBody(kind: OutboxRecord["kind"], r: ByteReader): OutboxRecord {
  switch (kind) {
    case "header":
      return { kind, version: r.uint() };
    case "events": {
      const key = readKey(r);
      const restored = r.bool();
      const events = Array.from({ length: r.uint() }, (): StoredEvent => {
        const seq = r.bigint();
        const deadline = r.optionalUint();
        const payload = r.bytes();
        const signature = r.optionalBytes();
        return { seq, payload, ...(signature && { signature }), ...(deadline !== undefined && { deadline }) };
      });
      return { kind, ...key, restored, events };
    }
    case "accounting": {
      const key = readKey(r);
      return { kind, ...key, restored: r.bool(), own: r.bool(), ranges: readAccounted(r) };
    }
    case "server-custody": {
      const device = r.bytes();
      const acks = Array.from({ length: r.uint() }, (): StreamAck => ({ stream: r.uint(), epoch: r.uint(), nextSeq: r.bigint(), received: readRanges(r), accounted: readAccounted(r) }));
      return { kind, device, acks };
    }
    case "stream": {
      const key = readKey(r);
      const received = readRanges(r);
      const accounted = readAccounted(r);
      return { kind, ...key, received, accounted, counters: { taken: r.uint(), forwarded: r.uint(), expired: r.uint(), dropped: r.uint() } };
    }
    case "token":
      return { kind, server: r.string(), device: r.bytes(), token: r.bytes() };
    case "command": {
      const device = r.bytes();
      const id = r.bigint();
      const deadline = r.optionalUint();
      return { kind, device, id, payload: r.bytes(), ...(deadline !== undefined && { deadline }) };
    }
    case "command-outcome": {
      const device = r.bytes();
      const outcome = named(OUTCOMES, r.uint(), "outcome");
      const scope = named(SCOPES, r.uint(), "scope");
      return { kind, device, outcome, scope, ids: Array.from({ length: r.uint() }, () => r.bigint()) };
    }
  }
}
