/**
 * One device session of the app over one GATT connection, sans-IO
 * (7.2, the app's state table of 7.2.4).
 *
 * GattCentral does the link (setup, ATT, fragments); this does Ferry:
 * - the Hello from the custody the app holds [DHS-1] [DHS-3], through the
 *   protocol's CentralHandshake, and the Welcome timeout [DHS-10];
 * - events and accountings through the UplinkIntake (the protocol's Inbox
 *   rebuilt from that custody); new items go to the sink in batches
 *   (`pollStore`), one at a time, and are acknowledged (SCOPE_HOP) only
 *   after `handleStored` says the batch is durable [ACK-2] [LIFE-4];
 * - the app's window grant [FLOW-2] [FLOW-6];
 * - the server's custody of critical streams relayed SCOPE_END_TO_END after
 *   the Welcome and whenever it advances [ACK-14];
 * - commands down, one at a time, and the device's CommandAcks up [CMD-10];
 * - Errors both ways, with the action of the error table [ERR-4] [ERR-8].
 *
 * Drive it like quinn-proto: after every input, write `pollTransmit()`,
 * hand every `pollStore()` to the sink, dispatch every `pollEvent()`, and
 * arm a timer at `pollTimeout()`. One session per connection: after the
 * "disconnected" event a new connection takes a new session.
 */
import { CentralHandshake, DEFAULT_WINDOW, errorInfo, Feature, ProtocolError, SDU_LENGTH_MAX, SPOKEN_MAJORS, SPOKEN_MINOR } from "@ferry/protocol";
import type { CentralOutcome, Command, CommandAck, DeviceInfo, ErrorMessage, Message, StreamAck, StreamRef, WakeHint, Window } from "@ferry/protocol";
import type { Frame } from "@ferry/protocol/vgl";
import { CommandQueue } from "./command-queue.js";
import { deviceIdOf, type CriticalEvent, type CustodySink, type DeviceId } from "./custody-sink.js";
import { EndToEndRelay } from "./end-to-end-relay.js";
import { GATT_DEFAULT_MAX_MESSAGE, GattCentral, type CentralEvent, type Direction } from "./gatt-central.js";
import { APP_MAX_MESSAGE } from "./sdu-receiver.js";
import type { StoreRequest } from "./take-batch.js";
import { UplinkIntake, type Refusal } from "./uplink-intake.js";

export interface CentralSessionConfig {
  /** What the app grants the device for uplink events [FLOW-2]; default 128 events, 32768 bytes. */
  window?: Window;
  /** Client Rx MTU offered [GATT-11]; default 517. */
  mtu?: number;
  /** Execution time left, for Hello.wake_budget_ms [LIFE-9]; default 0 (foreground, unknown). */
  wakeBudgetMs?: number;
  /** Default: signed events, commands, wake hints. */
  features?: number;
  majors?: readonly number[];
  minor?: number;
  /** [DHS-10] default 5000 ms after the Hello's Write Response. */
  welcomeTimeoutMs?: number;
  attTimeoutMs?: number;
  /** [ACK-18] first command retransmission timeout; default 5000 ms. */
  commandRetransmitMs?: number;
}

export const APP_FEATURES = Feature.signedEvents | Feature.commands | Feature.wakeHint;
export const WELCOME_TIMEOUT_MS = 5_000;
/** Errors waiting for the control point beyond this are dropped: a flood costs a bounded queue [ERR-7]. */
const MAX_QUEUED_ERRORS = 16;

export type SessionState = "idle" | "linking" | "hello-sent" | "open" | "closed";

export type SessionEvent =
  | { type: "established"; deviceId: DeviceId; info: DeviceInfo; name: string; mtu: number; outcome: CentralOutcome }
  | { type: "critical"; event: CriticalEvent }
  /** The device's outcome (SCOPE_END_TO_END), or the app's own settlement (SCOPE_HOP) [CMD-5]. */
  | { type: "commandAck"; deviceId: DeviceId; ack: CommandAck }
  | { type: "wakeHint"; deviceId: DeviceId; hint: WakeHint }
  /** An Error the device sent [ERR-8]: never answered, frees nothing. */
  | { type: "peerError"; error: ProtocolError; message: ErrorMessage }
  /** A fault found here (reported to the device when the Hello is out), or a local failure. */
  | { type: "error"; error: ProtocolError }
  /** The link could not be set up or broke (not a Ferry device, broken stack, ATT timeout). */
  | { type: "linkFailed"; reason: string; error?: ProtocolError }
  | { type: "disconnected"; reason: number; initiator: "local" | "remote"; truncated: ProtocolError[]; error?: ProtocolError };

export class CentralSession {
  readonly #central: GattCentral;
  readonly #handshake: CentralHandshake;
  readonly #custody: CustodySink["custody"];
  readonly #config: CentralSessionConfig;
  readonly #commands: CommandQueue;
  readonly #relay = new EndToEndRelay();
  #state: SessionState = "idle";
  #info: DeviceInfo | undefined;
  #deviceId: DeviceId = "";
  #link = { name: "", mtu: 0 };
  #intake: UplinkIntake | undefined;
  #window: Window;
  #stores: StoreRequest[] = [];
  #errors: ErrorMessage[] = [];
  /** A fatal fault: take nothing more, disconnect once the Errors are written [ERR-4]. */
  #closing = false;
  #endError: ProtocolError | undefined;
  #welcomeDeadline: number | undefined;
  #hints = new Set<string>();
  #events: SessionEvent[] = [];

  constructor(custody: CustodySink["custody"], config: CentralSessionConfig = {}) {
    this.#custody = custody;
    this.#config = config;
    this.#window = config.window ?? { ...DEFAULT_WINDOW.appGrantsDevice };
    this.#central = new GattCentral({ ...(config.mtu !== undefined && { mtu: config.mtu }), ...(config.attTimeoutMs !== undefined && { attTimeoutMs: config.attTimeoutMs }) });
    this.#handshake = new CentralHandshake({
      majors: config.majors ?? SPOKEN_MAJORS,
      minor: config.minor ?? SPOKEN_MINOR,
      features: config.features ?? APP_FEATURES,
      window: this.#window,
      maxMessage: APP_MAX_MESSAGE, // [ENV-9]
      wakeBudgetMs: config.wakeBudgetMs ?? 0,
      timeoutMs: config.welcomeTimeoutMs ?? WELCOME_TIMEOUT_MS,
    });
    this.#commands = new CommandQueue(config.commandRetransmitMs);
  }

  get state(): SessionState {
    return this.#state;
  }

  get info(): DeviceInfo | undefined {
    return this.#info;
  }

  get deviceId(): DeviceId | undefined {
    return this.#info ? this.#deviceId : undefined;
  }

  // ---- inputs ----

  connect(now: number): void {
    if (this.#state !== "idle") throw new ProtocolError("UNEXPECTED_MESSAGE", `connect while ${this.#state}`, "local");
    this.#state = "linking";
    this.#central.connect(now);
    this.#drain(now);
  }

  handleFrame(frame: Frame, now: number): void {
    this.#central.handleFrame(frame, now);
    this.#drain(now);
  }

  /** The byte stream under the link closed [VGL-4]. */
  handleStreamClosed(now: number): void {
    this.#central.handleStreamClosed();
    this.#drain(now);
  }

  handleTimeout(now: number): void {
    this.#central.handleTimeout(now);
    if (this.#state === "hello-sent" && this.#welcomeDeadline !== undefined && now >= this.#welcomeDeadline) {
      // [DHS-10] the handshake's own deadline (from the Hello) is never later than this one.
      const failed = this.#handshake.handleTimeout(now);
      this.#events.push({ type: "error", error: failed?.error ?? new ProtocolError("UNAVAILABLE", "no Welcome", "remote") });
      this.#disconnect(failed?.error);
    }
    if (this.#state === "open") {
      const r = this.#commands.handleTimeout(now);
      if (r === "close") this.#disconnect(new ProtocolError("UNAVAILABLE", "three command retransmission timeouts in a row [ACK-18]", "remote"));
      else if (r) this.#commandOut(r);
    }
    this.#drain(now);
  }

  /** The sink made batch `batch` durable: acknowledge it, announce its critical events. */
  handleStored(batch: number, now: number): void {
    // Announced even when the connection is gone: the events are durable [LIFE-8].
    for (const c of this.#intake?.stored(batch) ?? []) {
      this.#events.push({ type: "critical", event: { deviceId: this.#deviceId, stream: c.key.stream, epoch: c.key.epoch, seq: c.seq, payload: c.payload } });
    }
    this.#drain(now);
  }

  /** The sink could not make batch `batch` durable: nothing of it is acknowledged; the session ends [ERR-4]. */
  handleStoreFailed(batch: number, cause: unknown, now: number): void {
    if (!this.#intake?.storeFailed(batch)) return;
    const full = cause instanceof ProtocolError && cause.errorName === "STORAGE_FULL";
    this.#report(new ProtocolError(full ? "STORAGE_FULL" : "INTERNAL", `the outbox did not take batch ${batch}: ${String(cause)}`, "local"));
    this.#drain(now);
  }

  /** A command to carry to the device, `ttlMs` being its time left now [CMD-6] [CMD-10]. */
  sendCommand(command: Command, now: number): void {
    this.#commands.add(command, now);
    this.#drain(now);
  }

  /** The server's custody (its StreamAcks, unchanged); critical streams go to the device end to end [ACK-14]. */
  relayEndToEnd(acks: readonly StreamAck[], now: number): void {
    this.#relay.offer(acks);
    this.#drain(now);
  }

  /** A new grant for uplink events, carried by the next Ack [FLOW-3] [FLOW-6]. */
  grant(window: Window, now: number): void {
    this.#window = { ...window };
    this.#intake?.grant(window);
    this.#drain(now);
  }

  disconnect(now: number): void {
    this.#central.disconnect();
    this.#drain(now);
  }

  // ---- outputs ----

  pollTransmit(): Uint8Array[] {
    return this.#central.pollTransmit();
  }

  pollStore(): StoreRequest | undefined {
    return this.#stores.shift();
  }

  pollEvent(): SessionEvent | undefined {
    return this.#events.shift();
  }

  pollTimeout(): number | undefined {
    const ts = [this.#central.pollTimeout()];
    if (this.#state === "hello-sent") ts.push(this.#welcomeDeadline);
    if (this.#state === "open") ts.push(this.#commands.pollTimeout());
    const set = ts.filter((t): t is number => t !== undefined);
    return set.length === 0 ? undefined : Math.min(...set);
  }

  // ---- the link's events ----

  #drain(now: number): void {
    for (;;) {
      let ev = this.#central.pollEvent();
      if (!ev) {
        this.#pump(now);
        ev = this.#central.pollEvent();
        if (!ev) return;
      }
      this.#onCentral(ev, now);
    }
  }

  #onCentral(ev: CentralEvent, now: number): void {
    switch (ev.type) {
      case "ready":
        return this.#onReady(ev, now);
      case "message":
        return this.#onMessage(ev.characteristic, ev.message, now);
      case "fault":
        // Before the Hello nothing may be written to control [DHS-1]; such faults end in the handshake's failure anyway.
        if (this.#state === "hello-sent" || this.#state === "open") this.#report(ev.error);
        return;
      case "written":
        if (this.#state === "hello-sent" && this.#welcomeDeadline === undefined) {
          this.#welcomeDeadline = now + (this.#config.welcomeTimeoutMs ?? WELCOME_TIMEOUT_MS);
        }
        return;
      case "failed":
        this.#events.push({ type: "linkFailed", reason: ev.reason, ...(ev.error && { error: ev.error }) });
        return;
      case "disconnected":
        this.#state = "closed";
        this.#events.push({ ...ev, ...(this.#endError && { error: this.#endError }) });
        return;
    }
  }

  #onReady(ev: Extract<CentralEvent, { type: "ready" }>, now: number): void {
    const info = ev.info;
    this.#info = info;
    this.#deviceId = deviceIdOf(info.deviceId);
    this.#link = { name: ev.name, mtu: ev.mtu };
    let start: ReturnType<CentralHandshake["start"]>;
    try {
      start = this.#handshake.start(info, this.#custody(this.#deviceId), now);
    } catch (e) {
      // The app's own store failed it (or holds a stream twice): nothing can be announced, so nothing is written.
      const error = e instanceof ProtocolError ? e : new ProtocolError("INTERNAL", `custody of ${this.#deviceId}: ${String(e)}`, "local");
      this.#events.push({ type: "error", error });
      return this.#disconnect(error);
    }
    if (start.kind === "failed") {
      // [DHS-2] an Info this app cannot speak to: disconnect, write nothing.
      this.#events.push({ type: "error", error: start.error });
      return this.#disconnect(start.error);
    }
    this.#intake = new UplinkIntake(info, this.#deviceId, start.plan, this.#window);
    this.#state = "hello-sent";
    this.#central.writeControl(start.send[0]!, now);
  }

  #onMessage(characteristic: Direction, msg: Message, now: number): void {
    if (this.#closing || this.#state === "closed") return;
    // [GATT-8] what each characteristic carries from the device (9.1).
    const carries = characteristic === "uplink" ? ["events", "accounting"] : ["welcome", "commandAck", "error", "wakeHint"];
    if (!carries.includes(msg.type)) return this.#report(new ProtocolError("UNEXPECTED_MESSAGE", `${msg.type} on ${characteristic} [GATT-8]`));
    if (msg.type === "wakeHint") return this.#onWakeHint(msg.wakeHint);
    if (this.#state === "linking") {
      // [DHS-8] only WakeHint and Error may come before the Hello; nothing is written back before it [DHS-1].
      if (msg.type === "error") this.#onPeerError(msg.error, now);
      else this.#disconnect(new ProtocolError("UNEXPECTED_MESSAGE", `${msg.type} before the Hello [DHS-8]`));
      return;
    }
    const step = this.#handshake.handleMessage(msg);
    if (step.kind === "established") return this.#onEstablished(step.outcome);
    if (step.kind === "failed") {
      if (step.origin !== "received" || !step.peerError) return this.#report(step.error);
      // HELLO_SENT, Error: disconnect, whatever the error's own action (7.2.4).
      this.#onPeerError(step.peerError, now);
      return this.#disconnect(step.error);
    }
    if (step.kind !== "session") return;
    const m = step.message;
    if (m.type === "events") this.#refuse(this.#intake!.run(m.events, now));
    else if (m.type === "accounting") this.#refuse(this.#intake!.accounting(m.accounting, now));
    else if (m.type === "commandAck") this.#onCommandAck(m.commandAck);
    else if (m.type === "error") this.#onPeerError(m.error, now);
  }

  #onEstablished(outcome: CentralOutcome): void {
    this.#state = "open";
    this.#welcomeDeadline = undefined;
    this.#central.setPeerMaxMessage(outcome.maxMessage);
    const maxMessage = outcome.maxMessage === 0 ? GATT_DEFAULT_MAX_MESSAGE : Math.min(outcome.maxMessage, SDU_LENGTH_MAX);
    this.#commands.open({ features: outcome.features, window: outcome.window, maxMessage });
    this.#events.push({ type: "established", deviceId: this.#deviceId, info: this.#info!, ...this.#link, outcome });
  }

  // ---- Ferry messages ----

  #refuse(refusal: Refusal | undefined): void {
    if (refusal) this.#report(refusal.error, refusal.stream);
  }

  #onCommandAck(ack: CommandAck): void {
    const mine = this.#commands.handleAck(ack);
    if (mine) this.#events.push({ type: "commandAck", deviceId: this.#deviceId, ack: mine });
  }

  /** [ERR-4] [ERR-8] the device's Error: act as the table says, never answer it. */
  #onPeerError(message: ErrorMessage, now: number): void {
    const info = errorInfo(message.code);
    const error = info
      ? new ProtocolError(info.name, message.detail, info.fault === "sender" ? "local" : "remote")
      : new ProtocolError("INTERNAL", `unknown error code ${message.code}: ${message.detail}`, "remote");
    this.#events.push({ type: "peerError", error, message });
    if (!info) return; // a later minor's code: logged, no other effect
    if (info.action === "close" || info.action === "retry-later") return this.#disconnect(error);
    // [ACK-17] a fragment error may have cost the command in flight: send it again.
    if (info.action === "resync" && this.#state === "open") {
      const again = this.#commands.resend(now);
      if (again) this.#commandOut(again);
    }
  }

  #onWakeHint(hint: WakeHint): void {
    const key = `${hint.stream}/${hint.seq}`;
    if (this.#hints.has(key)) return; // [LIFE-14] at most once per (device, stream, seq)
    this.#hints.add(key);
    this.#events.push({ type: "wakeHint", deviceId: this.#deviceId, hint });
  }

  // ---- what to write ----

  #pump(now: number): void {
    if (this.#state !== "hello-sent" && this.#state !== "open") return;
    const store = this.#state === "open" ? this.#intake!.handOff(now) : undefined;
    if (store) this.#stores.push(store);
    if (this.#central.controlIdle) this.#writeControl(now);
    if (this.#state === "open" && !this.#closing) {
      const { send, settled } = this.#commands.poll(now);
      for (const ack of settled) this.#events.push({ type: "commandAck", deviceId: this.#deviceId, ack });
      if (send) this.#central.writeDownlink({ type: "command", command: send });
    }
  }

  /** One SDU on control at a time, most urgent first: Errors, the hop Ack, the end-to-end relay. */
  #writeControl(now: number): void {
    const error = this.#errors.shift();
    if (error) return this.#central.writeControl({ type: "error", error }, now);
    if (this.#closing) return this.#central.disconnect();
    if (this.#state !== "open") return;
    const intake = this.#intake!;
    const hop = intake.pollAck();
    if (hop) return this.#central.writeControl({ type: "ack", ack: hop }, now);
    const epoch = this.#info!.epoch;
    const endToEnd = this.#relay.poll((stream, e) => e === epoch && intake.classOf(stream) === "critical");
    if (endToEnd) this.#central.writeControl({ type: "ack", ack: endToEnd }, now);
  }

  #commandOut(r: Command | CommandAck): void {
    if ("id" in r) this.#central.writeDownlink({ type: "command", command: r });
    else this.#events.push({ type: "commandAck", deviceId: this.#deviceId, ack: r });
  }

  /** A fault in the device's input: an Error to the device (once the Hello is out), then its action [ERR-1] [ERR-4]. */
  #report(error: ProtocolError, stream?: StreamRef): void {
    this.#events.push({ type: "error", error });
    const action = error.info.action;
    const fatal = action === "close" || action === "retry-later";
    if (this.#state !== "hello-sent" && this.#state !== "open") {
      if (fatal) this.#disconnect(error);
      return;
    }
    if (this.#errors.length < MAX_QUEUED_ERRORS) this.#errors.push({ code: error.code, detail: error.message, ...(stream && { stream }) });
    if (fatal) {
      this.#closing = true;
      this.#endError ??= error;
    }
  }

  #disconnect(error?: ProtocolError): void {
    if (error) this.#endError ??= error;
    this.#central.disconnect();
  }
}
