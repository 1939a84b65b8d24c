/**
 * The reference device: a host build of accessory firmware around the
 * sans-IO core of @ferry/protocol. It owns the flash, the event buffer (the
 * core's Outbox), the GATT server of the reference layout, the device side
 * of the handshake (the core's PeripheralHandshake) and the command log.
 *
 * Sans-IO in the manner of smoltcp: inputs are `connect`, `disconnect`,
 * `handleAtt`, `produce` and `poll`, each with the current time; outputs go
 * to the `send` callback (ATT PDUs, or a disconnection the device decides)
 * and the `observe` callback. `pollAt()` says when `poll` wants to run.
 * Every input ends the same way: expiries and retransmission timers, the
 * flash written if anything durable changed [LIFE-3] [ACK-2], the control
 * point and uplink fed, and only then the outputs handed over, so nothing
 * leaves the device before it is durable.
 */
import {
  Feature,
  ProtocolError,
  RangeSet,
  SPOKEN_MAJORS,
  SPOKEN_MINOR,
  decodeMessage,
  encodeDeviceInfo,
  encodeMessage,
  isProtocolError,
  type Ack,
  type AckOutcome,
  type Command,
  type DeviceInfo,
  type ErrorMessage,
  type Failed,
  type Message,
  type Outbox,
  type OutboxOptions,
  type PeripheralOutcome,
  type Range,
  type Reason,
  type SenderState,
  type StreamAck,
} from "@ferry/protocol";
import { DISCONNECT_REASON, type AttPdu } from "@ferry/protocol/vgl";
import type { Flash } from "../flash/flash.js";
import { encodeImage, type DurableState } from "../flash/image.js";
import { AttServer } from "../gatt/att-server.js";
import { HANDLE } from "../gatt/layout.js";
import { CommandLog } from "./commands.js";
import { DEVICE_DEFAULTS, MAX_PAYLOAD, effectiveMaxMessage, type DeviceConfig, type StreamConfig } from "./config.js";
import { Connection } from "./connection.js";
import type { Observation } from "./observation.js";
import { restoreOutbox } from "./restore-outbox.js";
import { boot, drawEpoch, renumber } from "./storage.js";

export type DeviceOutput = { kind: "att"; pdu: AttPdu } | { kind: "disconnect"; reason: number };

export interface DeviceOptions {
  config: DeviceConfig;
  flash: Flash;
  /** 32 random bits a call: the source of epochs and of a blank flash's device id [ID-2]. */
  randomU32: () => number;
  /** Boot time on the device's monotonic clock [PRIO-8]. */
  now: number;
  send: (output: DeviceOutput) => void;
  observe?: (observation: Observation) => void;
}

export interface StreamStatus {
  stream: number;
  name: string;
  nextSeq: bigint;
  /** Events held. */
  buffered: number;
  /** Sequence numbers held as accountings. */
  accounted: bigint;
}

export interface DeviceStatus {
  deviceId: Uint8Array;
  epoch: number;
  connected: boolean;
  session: boolean;
  mtu: number;
  buffered: number;
  capacity: number;
  streams: StreamStatus[];
}

export class Device {
  readonly config: Readonly<Required<Omit<DeviceConfig, "deviceId">>>;
  readonly #flash: Flash;
  readonly #random: () => number;
  readonly #send: (output: DeviceOutput) => void;
  readonly #observer: (o: Observation) => void;
  /** Observations of the input being handled, reported once what they say is durable. */
  #observations: Observation[] = [];
  readonly #att: AttServer;
  readonly #streams: Map<number, StreamConfig>;
  readonly #deviceId: Uint8Array;
  #epoch: number;
  #previousEpoch: number;
  #outbox: Outbox;
  #commands: CommandLog;
  /** Accounted sequence numbers already observed, per stream. */
  #reported = new Map<number, RangeSet>();
  #conn: Connection | undefined;
  #dirty = false;
  /** The time of the input being handled. */
  #now: number;
  #outputs: DeviceOutput[] = [];
  #draining = false;

  constructor(options: DeviceOptions) {
    const c = options.config;
    this.config = {
      name: c.name ?? DEVICE_DEFAULTS.name,
      streams: c.streams,
      capacity: c.capacity,
      maxMtu: c.maxMtu ?? DEVICE_DEFAULTS.maxMtu,
      maxMessage: c.maxMessage ?? DEVICE_DEFAULTS.maxMessage,
      window: c.window ?? DEVICE_DEFAULTS.window,
      features: c.features ?? DEVICE_DEFAULTS.features,
      retransmitTimeoutMs: c.retransmitTimeoutMs ?? DEVICE_DEFAULTS.retransmitTimeoutMs,
      helloTimeoutMs: c.helloTimeoutMs ?? DEVICE_DEFAULTS.helloTimeoutMs,
    };
    if (!Number.isInteger(c.capacity) || c.capacity < 1) throw new RangeError(`capacity ${c.capacity} is not a positive integer`);
    this.#streams = new Map(c.streams.map((s) => [s.stream, s]));
    if (this.#streams.size !== c.streams.length) throw new RangeError("a stream is configured twice");
    this.#flash = options.flash;
    this.#random = options.randomU32;
    this.#send = options.send;
    this.#observer = options.observe ?? (() => {});
    this.#now = options.now;
    this.#att = new AttServer({ maxMtu: this.config.maxMtu, info: () => this.#conn?.info ?? new Uint8Array(0), cccd: (h) => this.#cccd(h) });

    // Boot (1.2): trust the image, or start a new epoch and persist it first [ID-2].
    const booted = boot(this.#flash, c.streams, this.#random, c.deviceId);
    this.#deviceId = booted.state.deviceId;
    this.#epoch = booted.state.epoch;
    this.#previousEpoch = booted.state.previousEpoch;
    this.#commands = new CommandLog(booted.state.commands, DEVICE_DEFAULTS.recentCommands);
    const states = new Map(booted.state.streams.map((s) => [s.stream, s.state]));
    this.#outbox = restoreOutbox(this.#outboxOptions(), states, options.now, true);
    this.#seedReported(states);
    if (booted.newEpoch) this.#observe({ event: "epoch", epoch: this.#epoch, previous: 0, cause: booted.newEpoch.cause, detail: booted.newEpoch.detail });
    this.#finish(options.now);
  }

  // ---- state ----

  get deviceId(): Uint8Array {
    return this.#deviceId.slice();
  }

  get epoch(): number {
    return this.#epoch;
  }

  get connected(): boolean {
    return this.#conn !== undefined;
  }

  /** The DeviceInfo the Info characteristic serves now [GATT-6]. */
  get info(): DeviceInfo {
    return {
      majors: [...SPOKEN_MAJORS],
      minor: SPOKEN_MINOR,
      features: this.config.features,
      deviceId: this.#deviceId.slice(),
      epoch: this.#epoch,
      bufferCapacity: this.config.capacity,
      streams: this.config.streams.map((s) => ({ stream: s.stream, priority: s.priority, ttlMs: s.ttlMs ?? 0, name: s.name })),
      maxMessage: this.config.maxMessage,
      publicKey: new Uint8Array(0),
    };
  }

  status(): DeviceStatus {
    return {
      deviceId: this.deviceId,
      epoch: this.#epoch,
      connected: this.connected,
      session: this.#conn?.session !== undefined,
      mtu: this.#conn ? this.#att.mtu : 23,
      buffered: this.#outbox.size,
      capacity: this.config.capacity,
      streams: this.#outbox.senders.map((s) => ({
        stream: s.stream,
        name: this.#streams.get(s.stream)!.name,
        nextSeq: s.nextSeq,
        buffered: s.size,
        accounted: RangeSet.of(s.accounted()).size,
      })),
    };
  }

  /** What the flash would hold now. */
  durableState(): DurableState {
    return {
      deviceId: this.#deviceId.slice(),
      epoch: this.#epoch,
      previousEpoch: this.#previousEpoch,
      streams: this.#outbox.senders.map((s) => ({ stream: s.stream, state: s.snapshot() })),
      commands: this.#commands.toDurable(),
    };
  }

  // ---- inputs ----

  /** A central connected (CONNECT on a VGL, a BLE connection) [VGL-3]. */
  connect(now: number): void {
    if (this.#conn) throw new ProtocolError("UNEXPECTED_MESSAGE", "connect while connected: one central at a time", "local");
    this.#now = now;
    this.#att.reset();
    this.#conn = new Connection(
      now,
      encodeDeviceInfo(this.info),
      { info: this.info, window: this.config.window, nextSeq: (s) => this.#outbox.sender(s).nextSeq, timeoutMs: this.config.helloTimeoutMs },
      effectiveMaxMessage(this.config.maxMessage),
    );
    this.#observe({ event: "connected" });
    this.#finish(now);
  }

  /** The central disconnected, or the link went down [VGL-4] [GATT-12]. */
  disconnect(now: number, reason: number = DISCONNECT_REASON.REMOTE_USER_TERMINATED, by: "central" | "link" = "central"): void {
    if (!this.#conn) return;
    this.#now = now;
    this.#drop(reason, by);
    this.#finish(now);
  }

  /** One ATT PDU from the central. */
  handleAtt(pdu: AttPdu, now: number): void {
    const conn = this.#conn;
    if (!conn) return; // [VGL-3] nothing before CONNECTED or after DISCONNECT.
    this.#now = now;
    if (pdu.type === "handleValueConfirmation") {
      conn.control.confirm();
    } else {
      const outcome = this.#att.handle(pdu);
      if (outcome?.response) this.#emit({ kind: "att", pdu: outcome.response });
      const w = outcome?.written;
      if (w && this.#conn === conn && !conn.closing) {
        if (w.target === "controlCccd" || w.target === "uplinkCccd") this.#writeCccd(conn, w.target, w.value[0]! | (w.value[1]! << 8));
        else this.#fragment(conn, w.target, w.value, now);
      }
    }
    this.#finish(now);
  }

  /**
   * A new event on a stream: it takes its sequence number and is durable
   * before this returns [LIFE-3]; the overflow policy makes room [PRIO-10].
   */
  produce(stream: number, payload: Uint8Array, now: number, options: { signature?: Uint8Array } = {}): bigint {
    if (!this.#streams.has(stream)) throw new ProtocolError("INVALID_FIELD", `stream ${stream} is not declared [ENV-12]`, "local");
    if (payload.length > MAX_PAYLOAD) throw new ProtocolError("INVALID_FIELD", `payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD} [ENV-9]`, "local");
    this.#now = now;
    const { seq } = this.#outbox.enqueue(stream, payload, now, options.signature ? { signature: options.signature } : {});
    this.#dirty = true;
    this.#observe({ event: "produced", stream, epoch: this.#epoch, seq });
    this.#finish(now);
    return seq;
  }

  /** Timers: Hello timeout, indication timeout, expiry, retransmission. */
  poll(now: number): void {
    this.#now = now;
    this.#finish(now);
  }

  /** When poll() next has work to do; undefined: only inputs can give it some. */
  pollAt(): number | undefined {
    const times = [this.#outbox.pollTimeout(), this.#conn?.handshake.pollTimeout()];
    const since = this.#conn?.control.outstandingSince;
    if (since !== undefined) times.push(since + DEVICE_DEFAULTS.attTimeoutMs);
    const defined = times.filter((t): t is number => t !== undefined);
    return defined.length === 0 ? undefined : Math.min(...defined);
  }

  // ---- GATT ----

  #cccd(handle: number): number {
    if (!this.#conn) return 0;
    return handle === HANDLE.controlCccd ? this.#conn.controlCccd : this.#conn.uplinkCccd;
  }

  #writeCccd(conn: Connection, target: "controlCccd" | "uplinkCccd", value: number): void {
    if (target === "controlCccd") {
      const enabling = !conn.indicationsOn && (value & 0x0002) !== 0;
      conn.controlCccd = value;
      if (enabling) conn.control.restart(); // [FRAG-5]
    } else {
      const enabling = !conn.notificationsOn && (value & 0x0001) !== 0;
      conn.uplinkCccd = value;
      if (enabling) conn.uplink.reset(); // [FRAG-5]
    }
  }

  /** A fragment written to control or downlink [FRAG-8] [FRAG-9]. */
  #fragment(conn: Connection, target: "control" | "downlink", value: Uint8Array, now: number): void {
    const reassembler = target === "control" ? conn.controlIn : conn.downlinkIn;
    const { sdus, errors } = reassembler.push(value);
    // Errors a fragment reveals are reported before the SDU it completes (9.6.1).
    for (const e of errors) this.#refuse(conn, e, { close: e.errorName === "MESSAGE_TOO_LARGE" });
    for (const sdu of sdus) {
      if (this.#conn !== conn || conn.closing) return;
      this.#sdu(conn, target, sdu, now);
    }
  }

  // ---- Ferry messages ----

  #sdu(conn: Connection, target: "control" | "downlink", sdu: Uint8Array, now: number): void {
    let msg: Message;
    try {
      msg = decodeMessage(sdu, { maxMessage: effectiveMaxMessage(this.config.maxMessage) });
    } catch (e) {
      if (!isProtocolError(e)) throw e;
      return this.#refuse(conn, e, { close: e.info.action === "close" });
    }
    // [ERR-8] an Error is logged, never answered, and moves no custody.
    if (msg.type === "error") return this.#observe({ event: "error", direction: "received", code: msg.error.code, detail: msg.error.detail });
    // [GATT-8] control carries no Command; downlink carries nothing else.
    if ((target === "control") === (msg.type === "command")) {
      return this.#refuse(conn, new ProtocolError("UNEXPECTED_MESSAGE", `${msg.type} on ${target} [GATT-8]`), { close: true });
    }
    const wasOpen = conn.handshake.state === "established";
    const step = conn.handshake.handleMessage(msg);
    switch (step.kind) {
      case "established":
        return this.#open(conn, step.outcome, step.send[0]!, now);
      case "failed":
        return this.#handshakeFailed(conn, step, wasOpen, now);
      case "session":
        return this.#session(conn, step.message, now);
      case "ignored":
        return;
    }
  }

  /** [DHS-4] Welcome by indication, then the replay of what the app's custody lacks. */
  #open(conn: Connection, outcome: PeripheralOutcome, welcome: Message, now: number): void {
    if (outcome.restarted) conn.control.dropQueued(); // [DHS-9] the old session ends here.
    const appMaxMessage = effectiveMaxMessage(outcome.maxMessage);
    conn.control.fragmenter.setMaxMessage(appMaxMessage);
    conn.uplink.setMaxMessage(appMaxMessage);
    const session = { appMaxMessage, features: outcome.features, welcomeSent: false };
    conn.session = session;
    // [ACK-16] everything unacknowledged is sendable again; [DHS-5] the custody is a hop Ack; [FLOW-2] the app's grant.
    this.#outbox.resume(now);
    this.#handleAck({ streams: outcome.replay, scope: "hop", commandsPending: 0, window: outcome.window }, now);
    conn.control.push({ sdu: encodeMessage(welcome), onSent: () => (session.welcomeSent = true) });
    this.#observe({ event: "session", window: outcome.window, maxMessage: appMaxMessage, mtu: this.#att.mtu });
  }

  #handshakeFailed(conn: Connection, step: Failed, wasOpen: boolean, now: number): void {
    const name = step.error.errorName;
    const error = step.send.find((m) => m.type === "error");
    if (name === "SEQUENCE_REGRESSION") {
      // [DHS-6] Error, a new epoch with everything renumbered into it, then close.
      if (error?.type === "error") this.#sendError(conn, error.error, true);
      return this.#regress(now, step.error.message);
    }
    const stay = !wasOpen && (name === "VERSION_UNSUPPORTED" || name === "UNEXPECTED_MESSAGE");
    if (error?.type === "error") this.#sendError(conn, error.error, !stay);
    // 7.2.4: CONNECTED stays CONNECTED, waiting for a Hello it can take.
    if (stay) conn.rearmHandshake();
  }

  #session(conn: Connection, msg: Message, now: number): void {
    switch (msg.type) {
      case "ack":
        return this.#handleAck(msg.ack, now);
      case "command":
        return this.#command(conn, msg.command);
      default:
        // [ENV-10] a body the app does not send.
        return this.#refuse(conn, new ProtocolError("UNEXPECTED_MESSAGE", `${msg.type} from the app [ENV-10]`), { close: true });
    }
  }

  /** An Ack, or the Hello's custody: free or keep, and the window [ACK-14] [FLOW-3]. */
  #handleAck(ack: Ack, now: number): void {
    // [ENV-4] epoch 0 is the current epoch; the buffer holds that epoch only, as epoch 0.
    const streams: StreamAck[] = ack.streams.filter((s) => s.epoch === 0 || s.epoch === this.#epoch).map((s) => ({ ...s, epoch: 0 }));
    const outcomes = this.#outbox.handleAck({ ...ack, streams }, now);
    for (const [stream, o] of outcomes) this.#acknowledged(stream, ack.scope, o);
  }

  #acknowledged(stream: number, scope: Ack["scope"], o: AckOutcome): void {
    if (o.freed.isEmpty && o.downstream.isEmpty) return;
    if (!o.freed.isEmpty) this.#dirty = true;
    this.#observe({ event: "acknowledged", stream, epoch: this.#epoch, scope, freed: o.freed.toArray(), kept: o.downstream.toArray() });
  }

  /** [CMD-8] [CMD-9] carried out once, durable before acknowledged; the reference device executes anything. */
  #command(conn: Connection, command: Command): void {
    if ((conn.session!.features & Feature.commands) === 0) {
      return this.#refuse(conn, new ProtocolError("UNEXPECTED_MESSAGE", "Command without FEATURE_COMMANDS in effect [CMD-1]"), { close: true });
    }
    const taken = this.#commands.take(command.id);
    const outcome = taken.duplicate ? taken.outcome : "executed";
    if (!taken.duplicate) {
      this.#commands.record(command.id, outcome);
      this.#dirty = true;
    }
    this.#observe({ event: "command", id: command.id, payload: command.payload, outcome, duplicate: taken.duplicate });
    const ack: Message = { type: "commandAck", commandAck: { ids: [command.id], outcome, scope: "end-to-end" } };
    conn.control.push({ sdu: encodeMessage(ack) });
  }

  /** [DHS-6] [ID-2] a new epoch; every held item moves into it, renumbered. */
  #regress(now: number, detail: string): void {
    const previous = this.#epoch;
    const states = new Map<number, SenderState>(this.#outbox.senders.map((s) => [s.stream, renumber(s.snapshot())]));
    this.#previousEpoch = previous;
    this.#epoch = drawEpoch(this.#random, previous);
    this.#outbox = restoreOutbox(this.#outboxOptions(), states, now, false);
    this.#seedReported(states);
    this.#dirty = true;
    this.#observe({ event: "epoch", epoch: this.#epoch, previous, cause: "regression", detail });
  }

  // ---- errors and disconnection ----

  /** A fault in the app's input: an Error on control [ERR-1]; with close, the device then disconnects (13.4). */
  #refuse(conn: Connection, e: ProtocolError, { close }: { close: boolean }): void {
    this.#sendError(conn, { code: e.code, detail: e.message }, close);
  }

  #sendError(conn: Connection, error: ErrorMessage, close: boolean): void {
    this.#observe({ event: "error", direction: "sent", code: error.code, detail: error.detail });
    const disconnect = () => this.#conn === conn && this.#deviceDisconnect(DISCONNECT_REASON.LOCAL_HOST_TERMINATED);
    if (close) conn.closing = true;
    // [GATT-5] no indication without the CCCD: the Error cannot go; a close still closes.
    if (!conn.indicationsOn) return void (close && disconnect());
    conn.control.push({ sdu: encodeMessage({ type: "error", error }), ...(close && { onConfirmed: disconnect }) });
  }

  #deviceDisconnect(reason: number): void {
    this.#emit({ kind: "disconnect", reason });
    this.#drop(reason, "device");
  }

  /** [GATT-12] fragment state, CCCDs and MTU go; items in flight become unacknowledged. */
  #drop(reason: number, by: "central" | "device" | "link"): void {
    this.#conn = undefined;
    this.#att.reset();
    this.#outbox.resume(this.#now);
    this.#observe({ event: "disconnected", reason, by });
  }

  // ---- the end of every input ----

  #finish(now: number): void {
    const conn = this.#conn;
    if (conn) {
      const late = conn.handshake.handleTimeout(now);
      const since = conn.control.outstandingSince;
      // [DHS-10] no Hello in time; 10.3: an indication unconfirmed for 30 s ends the connection.
      if (late || (since !== undefined && now >= since + DEVICE_DEFAULTS.attTimeoutMs)) this.#deviceDisconnect(DISCONNECT_REASON.LOCAL_HOST_TERMINATED);
    }
    this.#outbox.handleTimeout(now);
    this.#observeAccountings();
    this.#commit();
    // An observer that saw "produced" or "acknowledged" may count on it across a power cut [LIFE-3].
    for (let o = this.#observations.shift(); o; o = this.#observations.shift()) this.#observer(o);
    this.#transmit(now);
    this.#drain();
  }

  #observe(o: Observation): void {
    this.#observations.push(o);
  }

  /** New accountings (drops, expiries) since the last input, as observations [PRIO-11]. */
  #observeAccountings(): void {
    for (const s of this.#outbox.senders) {
      const seen = this.#reported.get(s.stream)!;
      const fresh = new Map<Reason, Range[]>();
      for (const r of s.accounted()) {
        for (const g of seen.gaps(r.first, r.last)) fresh.set(r.reason, [...(fresh.get(r.reason) ?? []), g]);
        seen.add(r.first, r.last);
      }
      for (const [reason, ranges] of fresh) {
        this.#dirty = true;
        if (reason === "expired") this.#observe({ event: "expired", stream: s.stream, epoch: this.#epoch, ranges });
        else this.#observe({ event: "dropped", stream: s.stream, epoch: this.#epoch, ranges, reason });
      }
    }
  }

  #seedReported(states: ReadonlyMap<number, SenderState>): void {
    this.#reported = new Map([...states].map(([stream, st]) => [stream, RangeSet.of(st.accounted)]));
  }

  #commit(): void {
    if (!this.#dirty) return;
    this.#flash.write(encodeImage(this.durableState()));
    this.#dirty = false;
  }

  /** Control indications, then uplink notifications within the window [FLOW-1] [GATT-5]. */
  #transmit(now: number): void {
    const conn = this.#conn;
    if (!conn) return;
    const mtu = this.#att.mtu;
    const indicate = (value: Uint8Array | undefined) => value && this.#emit({ kind: "att", pdu: { type: "handleValueIndication", handle: HANDLE.control, value } });
    indicate(conn.control.next(now, conn.indicationsOn, mtu));
    const s = conn.session;
    if (!s || !s.welcomeSent || !conn.notificationsOn || conn.closing) return;
    for (const msg of this.#outbox.pollTransmit(now, { maxMessage: s.appMaxMessage })) {
      for (const value of conn.uplink.fragment(encodeMessage(msg), mtu)) {
        this.#emit({ kind: "att", pdu: { type: "handleValueNotification", handle: HANDLE.uplink, value } });
      }
    }
  }

  #outboxOptions(): OutboxOptions {
    return {
      // [ENV-4] on the BLE leg epoch 0 stands for the current epoch.
      epoch: 0,
      capacity: this.config.capacity,
      streams: this.config.streams.map((s) => ({ stream: s.stream, priority: s.priority, ttlMs: s.ttlMs ?? 0 })),
      retransmitTimeoutMs: this.config.retransmitTimeoutMs,
    };
  }

  #emit(output: DeviceOutput): void {
    this.#outputs.push(output);
  }

  /** Outputs leave after the flash write of the same input; a re-entrant input queues behind them. */
  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let o = this.#outputs.shift(); o; o = this.#outputs.shift()) this.#send(o);
    } finally {
      this.#draining = false;
    }
  }
}
