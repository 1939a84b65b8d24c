/**
 * One device session of the app, driven: a thin driver around
 * CentralSession (the rules are there). It writes frames to the transport,
 * hands batches to the custody sink and reports them durable when `take`
 * resolves, runs the one timer the session asks for, and calls the handlers.
 *
 * - Acknowledgements reach the device only after `take` resolved [ACK-2].
 * - `critical` fires once a critical event is durable, before any network
 *   [LIFE-8].
 * - `close()` cuts everything off at once, as the end of a wake budget does
 *   [LIFE-9]: no frame, timer, acknowledgement or callback after it, even
 *   when a pending `take` resolves later. What the sink made durable stays
 *   covered by its custody, which the next session's Hello announces
 *   [DHS-3]; `settled()` says when that custody is complete and which
 *   critical events it holds that were never announced.
 * - `disconnect()` ends the connection cleanly (DISCONNECT 0x16).
 *
 * One session per connection: once `closed` resolves, a new DeviceSession
 * may connect again on the same transport (10.2).
 */
import type { Command, CommandAck, DeviceInfo, ProtocolError, StreamAck, WakeHint, Window } from "@ferry/protocol";
import { DISCONNECT_REASON, encodeVglMessage } from "@ferry/protocol/vgl";
import type { Frame } from "@ferry/protocol/vgl";
import { CentralSession, type CentralSessionConfig, type SessionEvent, type SessionState } from "./central-session.js";
import { systemClock, type Clock } from "./clock.js";
import type { CriticalEvent, CustodySink, DeviceId } from "./custody-sink.js";
import type { FrameReceiver, VglTransport } from "./frame-stream.js";
import type { StoreRequest } from "./take-batch.js";

export type Established = Extract<SessionEvent, { type: "established" }>;

export interface DeviceSessionHandlers {
  established?(e: Established): void;
  critical?(event: CriticalEvent): void;
  /** Relay it to the server [CMD-7]: the device's outcome, or the app's own settlement (SCOPE_HOP). */
  commandAck?(deviceId: DeviceId, ack: CommandAck): void;
  wakeHint?(deviceId: DeviceId, hint: WakeHint): void;
  /** `device`: an Error the device sent; `app`: a fault found here (sent to the device) or a local failure. */
  error?(error: ProtocolError, from: "device" | "app"): void;
  linkFailed?(reason: string, error?: ProtocolError): void;
}

export interface DeviceSessionOptions {
  transport: VglTransport;
  sink: CustodySink;
  clock?: Clock;
  config?: CentralSessionConfig;
  /** The server's custody the app holds, relayed after the handshake [ACK-14]. */
  endToEnd?: readonly StreamAck[];
  /** Commands the app holds for the device, sent after the handshake in id order [CMD-10] [CMD-11]. */
  commands?: readonly Command[];
  /**
   * [DHS-9] [LIFE-6] the link may still hold a connection this app has no
   * state for (relaunched after termination): DISCONNECT before CONNECT.
   */
  resetLink?: boolean;
  on?: DeviceSessionHandlers;
}

export interface SessionEnd {
  /** True when `close()` cut the session off. */
  aborted: boolean;
  /** The DISCONNECT reason (0x08 when the byte stream closed). */
  reason?: number;
  initiator?: "local" | "remote";
  /** Why the session ended, when a protocol fault ended it. */
  error?: ProtocolError;
  /** SDUs the disconnection cut short [GATT-12]. */
  truncated: ProtocolError[];
}

export class DeviceSession {
  readonly closed: Promise<SessionEnd>;
  readonly #core: CentralSession;
  readonly #options: DeviceSessionOptions;
  readonly #clock: Clock;
  readonly #receiver: FrameReceiver;
  #resolve!: (end: SessionEnd) => void;
  #cancelTimer: (() => void) | undefined;
  #started = false;
  #aborted = false;
  #ended = false;
  readonly #takes = new Set<Promise<unknown>>();
  readonly #unannounced: CriticalEvent[] = [];

  constructor(options: DeviceSessionOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#core = new CentralSession((id) => options.sink.custody(id), options.config);
    this.closed = new Promise((resolve) => (this.#resolve = resolve));
    this.#receiver = {
      frame: (frame: Frame) => this.#step((now) => this.#core.handleFrame(frame, now)),
      closed: () => this.#step((now) => this.#core.handleStreamClosed(now)),
    };
  }

  get state(): SessionState {
    return this.#core.state;
  }

  get deviceId(): DeviceId | undefined {
    return this.#core.deviceId;
  }

  get info(): DeviceInfo | undefined {
    return this.#core.info;
  }

  /**
   * Resolves once every `take` this session started has settled, even after
   * `close()`: the sink's custody is then complete, so the next session's
   * Hello covers all of it and nothing is replayed (or notified) twice. It
   * gives the critical events that became durable after `close()`, which no
   * callback announced: the app notifies them when it runs next [LIFE-8].
   */
  async settled(): Promise<CriticalEvent[]> {
    while (this.#takes.size > 0) await Promise.allSettled([...this.#takes]);
    return [...this.#unannounced];
  }

  /** Connects: CONNECT, MTU exchange, discovery, Info, subscriptions, Hello [DHS-2]. */
  start(): this {
    if (this.#started) return this;
    this.#started = true;
    const { transport, endToEnd, commands } = this.#options;
    if (transport.isClosed) {
      this.#finish({ aborted: false, reason: DISCONNECT_REASON.SUPERVISION_TIMEOUT, initiator: "remote", truncated: [] });
      return this;
    }
    transport.attach(this.#receiver);
    if (this.#options.resetLink) transport.send(encodeVglMessage({ channel: "linkControl", control: { type: "disconnect", reason: DISCONNECT_REASON.LOCAL_HOST_TERMINATED } }));
    this.#step((now) => {
      if (endToEnd) this.#core.relayEndToEnd(endToEnd, now);
      for (const c of commands ?? []) this.#core.sendCommand(c, now);
      this.#core.connect(now);
    });
    return this;
  }

  sendCommand(command: Command): void {
    this.#step((now) => this.#core.sendCommand(command, now));
  }

  relayEndToEnd(acks: readonly StreamAck[]): void {
    this.#step((now) => this.#core.relayEndToEnd(acks, now));
  }

  grant(window: Window): void {
    this.#step((now) => this.#core.grant(window, now));
  }

  /** Ends the connection cleanly: DISCONNECT 0x16 [VGL-4]. */
  disconnect(): void {
    this.#step((now) => this.#core.disconnect(now));
  }

  /** Stops at once: nothing more is written or called back [LIFE-9]. */
  close(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#cancelTimer?.();
    this.#options.transport.detach(this.#receiver);
    this.#finish({ aborted: true, truncated: [] });
  }

  #step(input: (now: number) => void): void {
    if (this.#aborted) return;
    input(this.#clock.now());
    const { transport } = this.#options;
    for (const frame of this.#core.pollTransmit()) transport.send(frame);
    for (let req = this.#core.pollStore(); req; req = this.#core.pollStore()) this.#take(req);
    for (let ev = this.#core.pollEvent(); ev && !this.#aborted; ev = this.#core.pollEvent()) this.#dispatch(ev);
    if (this.#aborted) return;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    const at = this.#core.pollTimeout();
    if (at !== undefined) this.#cancelTimer = this.#clock.setTimer(at, () => this.#step((now) => this.#core.handleTimeout(now)));
  }

  #take(req: StoreRequest): void {
    let taking: Promise<void>;
    try {
      taking = this.#options.sink.take(req.deviceId, req.runs, req.accountings);
    } catch (e) {
      taking = Promise.reject(e);
    }
    const done = taking.then(
      () => (this.#aborted ? this.#storedAfterClose(req.batch) : this.#step((now) => this.#core.handleStored(req.batch, now))),
      (e: unknown) => this.#step((now) => this.#core.handleStoreFailed(req.batch, e, now)),
    );
    this.#takes.add(taking);
    void done.finally(() => this.#takes.delete(taking));
  }

  /** Durable after the cut-off: nothing is written or called back, but its critical events are kept for `settled`. */
  #storedAfterClose(batch: number): void {
    this.#core.handleStored(batch, this.#clock.now());
    this.#core.pollTransmit();
    for (let ev = this.#core.pollEvent(); ev; ev = this.#core.pollEvent()) if (ev.type === "critical") this.#unannounced.push(ev.event);
  }

  #dispatch(ev: SessionEvent): void {
    const on = this.#options.on ?? {};
    try {
      switch (ev.type) {
        case "established":
          return on.established?.(ev);
        case "critical":
          return on.critical?.(ev.event);
        case "commandAck":
          return on.commandAck?.(ev.deviceId, ev.ack);
        case "wakeHint":
          return on.wakeHint?.(ev.deviceId, ev.hint);
        case "peerError":
          return on.error?.(ev.error, "device");
        case "error":
          return on.error?.(ev.error, "app");
        case "linkFailed":
          return on.linkFailed?.(ev.reason, ev.error);
        case "disconnected":
          this.#options.transport.detach(this.#receiver);
          return this.#finish({ aborted: false, reason: ev.reason, initiator: ev.initiator, truncated: ev.truncated, ...(ev.error && { error: ev.error }) });
      }
    } catch (e) {
      // A handler's bug must not leave the session half-driven: surface it outside.
      queueMicrotask(() => {
        throw e;
      });
    }
  }

  #finish(end: SessionEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#resolve(end);
  }
}
