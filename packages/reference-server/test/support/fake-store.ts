/**
 * An in-memory Store for unit tests of the session: custody per identity,
 * duplicates and conflicts [ACK-7] [ACK-8], a command queue. Not durable and
 * not fast; it can be told to fail, to test that nothing is acknowledged
 * when a commit fails [ACK-2].
 */
import type { AccountedRange, CommandOutcome, Range, Scope, StreamAck, StreamKey, StreamRef } from "@ferry/protocol";
import type { Delivery, IngestOutcome, IngestRequest, Store, StoredCommand, StreamGap } from "../../src/store/store.js";

interface StreamState {
  events: Map<bigint, Uint8Array>;
  accounted: AccountedRange[];
}

interface QueuedCommand extends StoredCommand {
  settled: boolean;
  outcome?: { outcome: CommandOutcome; scope: Scope };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

export class FakeStore implements Store {
  readonly streams = new Map<string, StreamState>();
  readonly commands = new Map<string, QueuedCommand[]>();
  readonly requests: IngestRequest[] = [];
  failIngest = false;
  failCustody = false;
  ingestCalls = 0;
  closed = false;

  #state(deviceId: Uint8Array, k: StreamKey): StreamState {
    const key = `${hex(deviceId)}/${k.stream}/${k.epoch}`;
    let s = this.streams.get(key);
    if (!s) this.streams.set(key, (s = { events: new Map(), accounted: [] }));
    return s;
  }

  async ingest(requests: IngestRequest[]): Promise<IngestOutcome[]> {
    this.ingestCalls++;
    if (this.failIngest) throw new Error("disk on fire");
    return requests.map((r) => {
      this.requests.push(r);
      let stored = 0;
      let duplicates = 0;
      const conflicts: StreamRef[] = [];
      const touched = new Map<string, StreamKey>();
      for (const run of r.runs) {
        touched.set(`${run.stream}/${run.epoch}`, run);
        const s = this.#state(r.deviceId, run);
        run.payloads.forEach((p, i) => {
          const seq = run.firstSeq + BigInt(i);
          const held = s.events.get(seq);
          if (held === undefined) {
            s.events.set(seq, p);
            stored++;
          } else if (same(held, p)) duplicates++;
          else conflicts.push({ stream: run.stream, epoch: run.epoch, seq });
        });
      }
      for (const a of [...r.accountings, ...(r.rejected ?? [])]) {
        touched.set(`${a.stream}/${a.epoch}`, a);
        this.#state(r.deviceId, a).accounted.push(...a.ranges);
      }
      const custody = [...touched.values()].map((k) => this.#ack(r.deviceId, k));
      return { stored, duplicates, conflicts, custody };
    });
  }

  #ack(deviceId: Uint8Array, k: StreamKey): StreamAck {
    const s = this.#state(deviceId, k);
    const accountedAt = (n: bigint) => s.accounted.find((r) => r.first <= n && n <= r.last);
    let next = 0n;
    for (;;) {
      if (s.events.has(next)) next++;
      else {
        const r = accountedAt(next);
        if (!r) break;
        next = r.last + 1n;
      }
    }
    const received: Range[] = [];
    for (const seq of [...s.events.keys()].filter((q) => q > next).sort((a, b) => (a < b ? -1 : 1))) {
      const last = received[received.length - 1];
      if (last && last.last + 1n === seq) last.last = seq;
      else received.push({ first: seq, last: seq });
    }
    const accounted = s.accounted.filter((r) => r.first > next);
    return { stream: k.stream, epoch: k.epoch, nextSeq: next, received, accounted };
  }

  async custody(deviceId: Uint8Array, keys: StreamKey[]): Promise<StreamAck[]> {
    if (this.failCustody) throw new Error("custody read failed");
    return keys.map((k) => this.#ack(deviceId, k));
  }

  async accounted(deviceId: Uint8Array, key: StreamKey): Promise<AccountedRange[]> {
    return this.#state(deviceId, key).accounted;
  }

  async readDeliveries(): Promise<Delivery[]> {
    return [];
  }

  async accountLostGaps(): Promise<StreamGap[]> {
    return [];
  }

  #queue(deviceId: Uint8Array): QueuedCommand[] {
    let q = this.commands.get(hex(deviceId));
    if (!q) this.commands.set(hex(deviceId), (q = []));
    return q;
  }

  async enqueueCommand(deviceId: Uint8Array, payload: Uint8Array, ttlMs: number, nowMs: number): Promise<bigint> {
    const q = this.#queue(deviceId);
    const id = BigInt(q.length + 1);
    q.push({ id, deviceId, payload, ttlMs, settled: false, ...(ttlMs > 0 ? { expiresAtMs: nowMs + ttlMs } : {}) });
    return id;
  }

  async pendingCommands(deviceId: Uint8Array, nowMs: number): Promise<StoredCommand[]> {
    return this.#queue(deviceId).filter((c) => !c.settled && (c.expiresAtMs === undefined || c.expiresAtMs > nowMs));
  }

  async settleCommands(deviceId: Uint8Array, ids: bigint[], outcome: CommandOutcome, scope: Scope): Promise<void> {
    for (const c of this.#queue(deviceId)) {
      if (!ids.includes(c.id)) continue;
      c.outcome = { outcome, scope };
      if (scope === "end-to-end" || outcome !== "received") c.settled = true;
    }
  }

  async commandOutcome(deviceId: Uint8Array, id: bigint): Promise<{ outcome: CommandOutcome; scope: Scope } | undefined> {
    return this.#queue(deviceId).find((c) => c.id === id)?.outcome;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
