/**
 * The app's outbox on disk: everything the app must keep to resume from
 * storage alone after termination, force-quit or reboot [LIFE-5], in one
 * append-only log (records.ts, framed with length and CRC by frame.ts) and
 * an index in memory rebuilt from it on open (outbox-index.ts).
 *
 * - take: events and accountings from a device are durable (fsync) before
 *   the promise resolves, and only then may the app acknowledge them
 *   [LIFE-4] [ACK-2]; a full outbox applies drop-lowest-oldest [PRIO-12].
 * - custody: the app's custody of each (device, epoch, stream) for the
 *   device Hello, durable records only [DHS-3].
 * - source(deviceId): a LegSource over one device's items, so the server
 *   leg drives it unchanged; a server StreamAck frees what it covers
 *   [ACK-1], and its custody of critical streams is kept to relay [ACK-14].
 * - tokens per server and device [HS-5]; commands held [CMD-7].
 * - compaction once the dead share of the log passes a threshold; torn
 *   tails cut and reported on open; corruption inside the log refused.
 *
 * Deadlines are kept on the outbox's own clock, which must survive
 * restarts (a wall clock the app trusts [PRIO-8]); `next` reads that clock
 * and ignores the leg's `now`, which may be a per-process monotonic clock.
 */
import { RangeSet, type Accounting, type Command, type CommandAck, type EventRun, type Message, type Priority, type Range, type Scope, type StreamAck, type StreamKey } from "@ferry/protocol";
import { covers, coversRange } from "../server-leg/coverage.js";
import type { TokenStore } from "../server-leg/server-leg.js";
import { keyOf, type LegSource, type SendLimits } from "../server-leg/source.js";
import { DeviceLegSource } from "./device-source.js";
import { FileLogStorage } from "./file-log-storage.js";
import { LogCorruptError, scanLog } from "./frame.js";
import type { LogStorage } from "./log-storage.js";
import { LogWriter } from "./log-writer.js";
import { hexOf, OutboxIndex, type Applied } from "./outbox-index.js";
import type { OutboxStream } from "./outbox-stream.js";
import { decodeRecord, encodeRecord, LOG_FORMAT_VERSION, type OutboxRecord, type StreamCounters } from "./records.js";
import { expiredRanges, nextAccounting, nextRun } from "./send-order.js";
import { liveBytesEstimate, snapshotRecords } from "./snapshot.js";
import { checkTake, take, type TakeResult } from "./take.js";

export interface CompactionPolicy {
  /** Compact when this share of the log is dead (freed items, superseded tokens). Default 0.5. */
  deadShare: number;
  /** Never compact a log smaller than this. Default 1 MiB. */
  minBytes: number;
}

export interface DiskOutboxOptions {
  /** The outbox clock in ms; deadlines live on it, so it must survive restarts [PRIO-8]. Default Date.now. */
  clock?: () => number;
  /** Events held at most, across devices: the capacity the app declares [PRIO-12]. Default unbounded. */
  capacity?: number;
  /**
   * False when, after a reboot, the clock cannot tell whether deadlines
   * passed: every held event with a deadline is then accounted EXPIRED on
   * open [PRIO-8], and every held command with one settled EXPIRED
   * (expireCommands returns them for the server) [CMD-6]. Default true.
   */
  deadlinesTrusted?: boolean;
  compaction?: Partial<CompactionPolicy>;
  /** The server's custody of critical streams advanced: relay it to the device if connected [ACK-14]. */
  onEndToEnd?: (deviceId: Uint8Array, custody: StreamAck[]) => void;
  /** A background write (token, expiry, compaction) failed; the outbox must be reopened. */
  onError?: (error: Error) => void;
}

/** What open found after a crash: records read, and the torn tail cut off. */
export interface Recovered {
  records: number;
  tornBytes: number;
}

/** One row of the demo's accounting table. */
export interface StreamStats extends StreamCounters, StreamKey {
  deviceId: string;
  priority: Priority;
  /** Events held now. */
  held: number;
  /** Accounted sequences held now (the device's accountings and the app's own). */
  accounted: number;
}

/** A device by its id bytes, or by their lowercase hex (the BLE side's DeviceId) [ID-3]. */
export type DeviceRef = Uint8Array | string;

function idBytes(device: DeviceRef): Uint8Array {
  if (typeof device !== "string") return device;
  if (!/^([0-9a-f]{2}){1,16}$/.test(device)) throw new RangeError(`device id "${device}" is not 1 to 16 bytes of lowercase hex [ID-3]`);
  return Uint8Array.from(Buffer.from(device, "hex"));
}

const DEFAULT_COMPACTION: CompactionPolicy = { deadShare: 0.5, minBytes: 1 << 20 };

export class DiskOutbox {
  readonly recovered: Recovered;
  readonly #index: OutboxIndex;
  readonly #writer: LogWriter;
  readonly #clock: () => number;
  readonly #capacity: number;
  readonly #policy: CompactionPolicy;
  readonly #o: DiskOutboxOptions;
  #compacting: Promise<void> | undefined;
  /** Commands expired on open for want of a trusted clock, not yet relayed [CMD-6]. */
  readonly #expiredAtOpen = new Map<string, bigint[]>();

  private constructor(index: OutboxIndex, writer: LogWriter, recovered: Recovered, o: DiskOutboxOptions) {
    this.#index = index;
    this.#writer = writer;
    this.recovered = recovered;
    this.#o = o;
    this.#clock = o.clock ?? Date.now;
    this.#capacity = o.capacity ?? Number.POSITIVE_INFINITY;
    this.#policy = { ...DEFAULT_COMPACTION, ...o.compaction };
  }

  /** Opens the outbox on `storage`: replays the log, cuts a torn tail, refuses a corrupt log (LogCorruptError). */
  static async open(storage: LogStorage, options: DiskOutboxOptions = {}): Promise<DiskOutbox> {
    const scanned = scanLog(await storage.read());
    const index = new OutboxIndex();
    scanned.bodies.forEach((body, i) => {
      let rec: OutboxRecord;
      try {
        rec = decodeRecord(body);
      } catch (e) {
        throw new LogCorruptError(scanned.offsets[i]!, `record ${i} passes its CRC but does not decode (${(e as Error).message})`);
      }
      if (i === 0 && rec.kind !== "header") throw new LogCorruptError(0, "not a Ferry outbox log (no header record)");
      if (rec.kind === "header" && rec.version > LOG_FORMAT_VERSION) {
        throw new LogCorruptError(0, `log format ${rec.version} is newer than this outbox's ${LOG_FORMAT_VERSION}`);
      }
      index.apply(rec);
    });
    const writer = new LogWriter(storage, scanned.validLength, (position) => index.durableUpTo(position));
    const outbox = new DiskOutbox(index, writer, { records: scanned.bodies.length, tornBytes: scanned.tornBytes }, options);
    if (scanned.tornBytes > 0) await writer.truncate(scanned.validLength);
    if (scanned.bodies.length === 0) outbox.#emit({ kind: "header", version: LOG_FORMAT_VERSION });
    if (options.deadlinesTrusted === false) outbox.#expireAll();
    await writer.sync();
    return outbox;
  }

  /** Opens (or creates) the outbox in the file at `path`. */
  static async openFile(path: string, options: DiskOutboxOptions = {}): Promise<DiskOutbox> {
    const storage = FileLogStorage.open(path);
    try {
      return await DiskOutbox.open(storage, options);
    } catch (e) {
      await storage.close();
      throw e;
    }
  }

  // ---- the device leg --------------------------------------------------

  /**
   * Takes a device's events and accountings into custody; resolves once they
   * are durable, after which the app may acknowledge them [LIFE-4] [ACK-2].
   * Runs and accountings carry explicit epochs [ENV-4].
   */
  async take(device: DeviceRef, runs: readonly EventRun[], accountings: readonly Accounting[] = []): Promise<void> {
    await this.takeWithResult(device, runs, accountings);
  }

  /**
   * `take`, saying what happened: duplicates, conflicts to answer with
   * SEQUENCE_CONFLICT [ACK-8], new critical events to notify [LIFE-8], the
   * app's own accountings of a full outbox [PRIO-12]. `classes` (from
   * DeviceInfo.streams) gives the class of streams known only by an
   * accounting so far.
   */
  async takeWithResult(device: DeviceRef, runs: readonly EventRun[], accountings: readonly Accounting[] = [], classes?: ReadonlyMap<number, Priority>): Promise<TakeResult> {
    const deviceId = idBytes(device);
    checkTake(deviceId, runs, accountings, this.#index);
    const result = take(
      { index: this.#index, device: deviceId, now: this.#clock(), capacity: this.#capacity, ...(classes && { classes }), emit: (r) => void this.#emit(r) },
      runs,
      accountings,
    );
    await this.#writer.sync();
    this.#maybeCompact();
    return result;
  }

  /** The app's durable custody of each stream of the device, for Hello.custody [DHS-3]. */
  custody(device: DeviceRef, epoch?: number): StreamAck[] {
    const deviceId = idBytes(device);
    return this.#index.custody(deviceId, epoch);
  }

  /** The server's custody of the device's critical streams, to relay with SCOPE_END_TO_END [ACK-14]. */
  endToEnd(device: DeviceRef): StreamAck[] {
    const deviceId = idBytes(device);
    return [...(this.#index.devices.get(hexOf(deviceId))?.endToEnd.values() ?? [])].map((a) => structuredClone(a));
  }

  // ---- the server leg --------------------------------------------------

  /** The device's items as a LegSource for the server leg [HS-3]. */
  source(device: DeviceRef): LegSource {
    const deviceId = idBytes(device);
    return new DeviceLegSource(this, deviceId);
  }

  /** Devices with items the server has not acknowledged. */
  devicesPending(): Uint8Array[] {
    return [...this.#index.devices.values()].filter((d) => [...d.streams.values()].some((s) => !s.isEmpty)).map((d) => d.id.slice());
  }

  pending(device: DeviceRef): StreamKey[] {
    const deviceId = idBytes(device);
    return this.#streams(deviceId)
      .filter((s) => !s.isEmpty)
      .map((s) => ({ ...s.key }));
  }

  rewind(device: DeviceRef): void {
    const deviceId = idBytes(device);
    for (const s of this.#streams(deviceId)) {
      for (const e of s.events) e.handed = false;
      for (const a of s.accountings) a.handed = false;
    }
  }

  requeue(device: DeviceRef, key: StreamKey, ranges: Range[]): void {
    const deviceId = idBytes(device);
    const s = this.#index.findStream(deviceId, key);
    if (!s) return;
    const within = (seq: bigint) => ranges.some((r) => r.first <= seq && seq <= r.last);
    for (const e of s.events) if (within(e.seq)) e.handed = false;
    // Only the requeued part of a held accounting goes again: split it where the ranges cut it.
    const back = RangeSet.of(ranges);
    s.accountings = s.accountings.flatMap((a) => {
      const { first, last, reason } = a.range;
      if (!back.overlaps(first, last)) return [a];
      const again = back.within(first, last).map((r) => ({ range: { ...r, reason }, own: a.own, handed: false }));
      const kept = back.gaps(first, last).map((r) => ({ range: { ...r, reason }, own: a.own, handed: a.handed }));
      return [...again, ...kept].sort((x, y) => (x.range.first < y.range.first ? -1 : 1));
    });
  }

  /** See LegSource.next; expiry [PRIO-6] is checked on the outbox clock, not `_now`. */
  next(device: DeviceRef, limits: SendLimits, _now?: number): Message | undefined {
    const deviceId = idBytes(device);
    const now = this.#clock();
    const streams = this.#streams(deviceId);
    let expired = false;
    for (const s of streams) {
      const ranges = expiredRanges(s, now);
      if (ranges.length === 0) continue;
      this.#emit({ kind: "accounting", device: s.device, epoch: s.key.epoch, stream: s.key.stream, priority: s.priority, restored: false, own: true, ranges: ranges.map((r) => ({ ...r, reason: "expired" })) });
      expired = true;
    }
    // Not waited for: a lost expiry record is found again from the event's deadline after a restart.
    if (expired) this.#background(this.#writer.sync());
    return nextAccounting(streams, limits.maxMessage) ?? nextRun(streams, limits, now);
  }

  /** The server's custody: frees what it covers [ACK-1], keeps critical streams' to relay [ACK-14]. */
  async acknowledge(device: DeviceRef, custody: readonly StreamAck[], _scope: Scope = "hop", _now?: number): Promise<void> {
    const deviceId = idBytes(device);
    const d = this.#index.devices.get(hexOf(deviceId));
    const useful = custody.filter((sa) => {
      const s = d?.streams.get(keyOf(sa));
      if (!s) return false;
      if (s.events.some((e) => covers(sa, e.seq)) || s.accountings.some((a) => coversRange(sa, a.range))) return true;
      const known = d?.endToEnd.get(keyOf(sa));
      return s.priority === "critical" && (!known || (sa.nextSeq >= known.nextSeq && JSON.stringify(known, big) !== JSON.stringify(sa, big)));
    });
    if (useful.length === 0) return;
    const applied = this.#emit({ kind: "server-custody", device: deviceId, acks: useful.map((a) => structuredClone(a)) });
    if (applied.endToEnd.length > 0) this.#o.onEndToEnd?.(deviceId.slice(), applied.endToEnd.map((a) => structuredClone(a)));
    await this.#writer.sync();
    this.#maybeCompact();
  }

  // ---- resume tokens [HS-5] ---------------------------------------------

  loadToken(server: string, device: DeviceRef): Uint8Array | undefined {
    const deviceId = idBytes(device);
    return this.#index.tokens.get(`${server}\u0000${hexOf(deviceId)}`)?.token.slice();
  }

  /** Keeps a Welcome's new token; resolves once durable [LIFE-5]. */
  saveToken(server: string, device: DeviceRef, token: Uint8Array): Promise<void> {
    const deviceId = idBytes(device);
    this.#emit({ kind: "token", server, device: deviceId, token });
    return this.#writer.sync();
  }

  /**
   * A TokenStore for ServerLeg: save is synchronous there, so the write is
   * durable shortly after; a crash in between offers the previous token,
   * which the server refuses or resumes, losing nothing [HS-14].
   */
  tokens(server: string, device: DeviceRef): TokenStore {
    const deviceId = idBytes(device);
    return {
      load: () => this.loadToken(server, deviceId),
      save: (token) => this.#background(this.saveToken(server, deviceId, token)),
    };
  }

  // ---- commands [CMD-7] -------------------------------------------------

  /**
   * Takes a Command from the server; resolves with the CommandAck to answer:
   * RECEIVED with SCOPE_HOP once durable for a new one, the recorded outcome
   * for a repeat, which is neither stored nor forwarded again [CMD-7].
   */
  async holdCommand(device: DeviceRef, command: Command): Promise<CommandAck> {
    const deviceId = idBytes(device);
    const commands = this.#index.device(deviceId).commands;
    if (commands.isRepeat(command.id)) {
      await this.#writer.sync(); // the outcome answered is durable too
      return commands.answerRepeat(command.id);
    }
    const deadline = command.ttlMs === 0 ? undefined : Math.floor(this.#clock()) + command.ttlMs;
    this.#emit({ kind: "command", device: deviceId, id: command.id, payload: command.payload, ...(deadline !== undefined && { deadline }) });
    await this.#writer.sync();
    return { ids: [command.id], outcome: "received", scope: "hop" };
  }

  /** Held commands to forward to the device, in id order, with the time each has left [CMD-10] [CMD-6]. */
  commands(device: DeviceRef): Command[] {
    const deviceId = idBytes(device);
    return this.#index.devices.get(hexOf(deviceId))?.commands.toSend(this.#clock()) ?? [];
  }

  /** Settles held commands whose deadline passed, as EXPIRED with SCOPE_HOP; the ack to relay to the server [CMD-6]. */
  expireCommands(device: DeviceRef): CommandAck | undefined {
    const deviceId = idBytes(device);
    const ids = this.#index.devices.get(hexOf(deviceId))?.commands.expired(this.#clock()) ?? [];
    const atOpen = this.#expiredAtOpen.get(hexOf(deviceId)) ?? [];
    this.#expiredAtOpen.delete(hexOf(deviceId));
    if (ids.length > 0) {
      this.#emit({ kind: "command-outcome", device: deviceId, ids, outcome: "expired", scope: "hop" });
      this.#background(this.#writer.sync());
    }
    const all = [...atOpen, ...ids];
    return all.length === 0 ? undefined : { ids: all, outcome: "expired", scope: "hop" };
  }

  /** Records a CommandAck of the device (or the app's own REJECTED [CMD-10]); frees the commands it covers. */
  async settleCommands(device: DeviceRef, ack: CommandAck): Promise<void> {
    const deviceId = idBytes(device);
    this.#emit({ kind: "command-outcome", device: deviceId, ids: [...ack.ids], outcome: ack.outcome, scope: ack.scope });
    await this.#writer.sync();
  }

  // ---- state, stats, maintenance ---------------------------------------

  /** Sequences of a stream held now. */
  held(device: DeviceRef, key: StreamKey): bigint[] {
    const deviceId = idBytes(device);
    return this.#index.findStream(deviceId, key)?.events.map((e) => e.seq) ?? [];
  }

  /** Events held across devices (what the capacity bounds). */
  get size(): number {
    return this.#index.heldEvents;
  }

  /** Per stream: held, taken, forwarded, expired, dropped (the demo's accounting table). */
  stats(device?: DeviceRef): StreamStats[] {
    const only = device === undefined ? undefined : hexOf(idBytes(device));
    const rows: StreamStats[] = [];
    for (const [hex, d] of this.#index.devices) {
      if (only !== undefined && hex !== only) continue;
      for (const s of d.streams.values()) {
        rows.push({ deviceId: hex, ...s.key, priority: s.priority, held: s.events.length, accounted: s.accountings.reduce((n, a) => n + Number(a.range.last - a.range.first + 1n), 0), ...s.counters });
      }
    }
    return rows;
  }

  /** Bytes in the log now. */
  get logBytes(): number {
    return this.#writer.logBytes;
  }

  /** Everything appended is durable. */
  sync(): Promise<void> {
    return this.#writer.sync();
  }

  /** Rewrites the log with the live state only (temp file, fsync, rename, fsync dir). */
  compact(): Promise<void> {
    this.#compacting ??= this.#writer.compact(() => snapshotRecords(this.#index).map(encodeRecord)).finally(() => (this.#compacting = undefined));
    return this.#compacting;
  }

  async close(): Promise<void> {
    await this.#compacting?.catch(() => {});
    await this.#writer.close();
  }

  #emit(rec: OutboxRecord): Applied {
    const position = this.#writer.append(encodeRecord(rec));
    return this.#index.apply(rec, position);
  }

  #streams(deviceId: Uint8Array): OutboxStream[] {
    return [...(this.#index.devices.get(hexOf(deviceId))?.streams.values() ?? [])];
  }

  #expireAll(): void {
    for (const [hex, d] of this.#index.devices) {
      // [CMD-6] a held command's deadline is as unknowable as an event's: EXPIRED, relayed later.
      const ids = d.commands.expired(Number.POSITIVE_INFINITY);
      if (ids.length > 0) {
        this.#emit({ kind: "command-outcome", device: d.id, ids, outcome: "expired", scope: "hop" });
        this.#expiredAtOpen.set(hex, ids);
      }
      for (const s of d.streams.values()) {
        const ranges = expiredRanges(s, Number.POSITIVE_INFINITY, true);
        if (ranges.length > 0) this.#emit({ kind: "accounting", device: s.device, epoch: s.key.epoch, stream: s.key.stream, priority: s.priority, restored: false, own: true, ranges: ranges.map((r) => ({ ...r, reason: "expired" })) });
      }
    }
  }

  #maybeCompact(): void {
    const bytes = this.#writer.logBytes;
    if (this.#compacting || bytes < this.#policy.minBytes) return;
    if (1 - liveBytesEstimate(this.#index) / bytes < this.#policy.deadShare) return;
    this.#background(this.compact());
  }

  #background(p: Promise<void>): void {
    p.catch((e: unknown) => this.#o.onError?.(e instanceof Error ? e : new Error(String(e))));
  }
}

const big = (_k: string, v: unknown): unknown => (typeof v === "bigint" ? v.toString() : v);
