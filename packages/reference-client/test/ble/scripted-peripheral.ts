/**
 * A scripted Ferry device for the central's tests: a VGL peripheral in
 * process, built from @ferry/protocol's VGL codecs, fragmenter and
 * reassembler, PeripheralHandshake and Outbox (sans-IO). It serves the
 * handle layout of 10.4 (shifted by `handleBase` if asked), answers the
 * central's requests, replays what the app's custody lacks, keeps critical
 * events until an end-to-end Ack [ACK-14], answers commands, and records
 * everything the central sent so tests can check order and bytes.
 *
 * Fault knobs: `cutAfterFragments` swallows uplink fragments after N of them
 * (then the test disconnects mid-SDU), `commandOutcome: "none"` leaves
 * commands unanswered, `extraService` adds a 16-bit service after Ferry's.
 */
import {
  DEFAULT_WINDOW,
  decodeMessage,
  encodeDeviceInfo,
  encodeMessage,
  Fragmenter,
  Outbox,
  PeripheralHandshake,
  Reassembler,
  type CommandOutcome,
  type DeviceInfo,
  type Message,
  type Window,
} from "@ferry/protocol";
import {
  ATT_ERROR,
  FrameDecoder,
  decodeVglFrame,
  encodeVglMessage,
  type AttPdu,
  type AttUuid,
  type VglMessage,
} from "@ferry/protocol/vgl";
import { FERRY_UUID } from "../../src/ble/index.js";

export interface ScriptedPeripheralOptions {
  info: DeviceInfo;
  now: () => number;
  send: (bytes: Uint8Array) => void;
  name?: string;
  /** Server Rx MTU answered in the exchange; default 247. */
  mtu?: number;
  /** Grant for commands in the Welcome; default 4 events, 1024 bytes. */
  window?: Window;
  capacity?: number;
  commandOutcome?: CommandOutcome | "none";
  handleBase?: number;
  extraService?: boolean;
}

interface Attr {
  handle: number;
  type: AttUuid;
  value?: Uint8Array;
}

export class ScriptedPeripheral {
  readonly outbox: Outbox;
  readonly info: DeviceInfo;
  /** Every frame the central sent, decoded, in order. */
  readonly fromCentral: VglMessage[] = [];
  /** Every Ferry message the central sent: on control (Write Request) or downlink (Write Command). */
  readonly messages: Array<{ on: "control" | "downlink"; message: Message }> = [];
  /** Uplink notification values sent, in order. */
  readonly notified: Uint8Array[] = [];
  cutAfterFragments: number | undefined;
  /** The next this many uplink fragments are numbered but never sent: lost on the air. */
  loseNext = 0;
  /** Record control SDUs but do not act on them (no Welcome ever comes). */
  ignoreControl = false;
  commandOutcome: CommandOutcome | "none";
  connected = false;
  mtu = 23;
  readonly #o: ScriptedPeripheralOptions;
  readonly #decoder = new FrameDecoder();
  readonly #attrs: Attr[];
  readonly h: { info: number; control: number; controlCccd: number; uplink: number; uplinkCccd: number; downlink: number; end: number };
  #cccd = { control: false, uplink: false };
  #out = { control: new Fragmenter({ maxMessage: 16383 }), uplink: new Fragmenter({ maxMessage: 16383 }) };
  #in = { control: new Reassembler({ maxMessage: 4096 }), downlink: new Reassembler({ maxMessage: 4096 }) };
  #hs: PeripheralHandshake | undefined;
  #open = false;
  #appMax = 4096;
  #indications: Uint8Array[] = [];
  #awaitingConfirmation = false;

  constructor(options: ScriptedPeripheralOptions) {
    this.#o = options;
    this.info = options.info;
    this.commandOutcome = options.commandOutcome ?? "executed";
    const b = options.handleBase ?? 1;
    this.h = { info: b + 2, control: b + 4, controlCccd: b + 5, uplink: b + 7, uplinkCccd: b + 8, downlink: b + 10, end: b + 10 };
    const decl = (props: number, value: number, uuid: string) => Uint8Array.of(props, value & 0xff, value >> 8, ...uuidBytes(uuid));
    this.#attrs = [
      { handle: b, type: "2800", value: uuidBytes(FERRY_UUID.service) },
      { handle: b + 1, type: "2803", value: decl(0x02, this.h.info, FERRY_UUID.info) },
      { handle: this.h.info, type: FERRY_UUID.info },
      { handle: b + 3, type: "2803", value: decl(0x28, this.h.control, FERRY_UUID.control) },
      { handle: this.h.control, type: FERRY_UUID.control },
      { handle: this.h.controlCccd, type: "2902" },
      { handle: b + 6, type: "2803", value: decl(0x10, this.h.uplink, FERRY_UUID.uplink) },
      { handle: this.h.uplink, type: FERRY_UUID.uplink },
      { handle: this.h.uplinkCccd, type: "2902" },
      { handle: b + 9, type: "2803", value: decl(0x04, this.h.downlink, FERRY_UUID.downlink) },
      { handle: this.h.downlink, type: FERRY_UUID.downlink },
    ];
    const streams = options.info.streams.map((s) => ({ stream: s.stream, priority: s.priority, ttlMs: s.ttlMs }));
    this.outbox = new Outbox({ epoch: options.info.epoch, capacity: options.capacity ?? 4096, streams, window: DEFAULT_WINDOW.appGrantsDevice });
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** Bytes from the central, split any way. */
  receive(bytes: Uint8Array): void {
    const { frames, error } = this.#decoder.push(bytes);
    if (error) throw error;
    for (const f of frames) {
      const r = decodeVglFrame(f);
      if (!r.ok) throw r.error;
      this.fromCentral.push(r.message);
      if (r.message.channel === "linkControl") this.#onLink(r.message.control);
      else if (this.connected) this.#onAtt(r.message.pdu);
    }
  }

  /** A new event of the device (stored first, as [LIFE-3] wants), sent when the window allows. */
  produce(stream: number, payload: Uint8Array, ttlMs?: number): bigint {
    const { seq } = this.outbox.enqueue(stream, payload, this.#o.now(), ttlMs === undefined ? {} : { ttlMs });
    this.#pump();
    return seq;
  }

  /** Ends the connection from the device's side (or as a supervision timeout would). */
  disconnect(reason = 0x13): void {
    if (!this.connected) return;
    this.#link({ type: "disconnect", reason });
    this.#end();
  }

  /** Sends a Ferry message by indication on control, as the device would (any message: tests misbehave too). */
  indicate(message: Message): void {
    for (const f of this.#out.control.fragment(encodeMessage(message), this.mtu)) this.#indications.push(f);
    this.#flushIndications();
  }

  /** Sends any Ferry message by notification on uplink, bypassing the outbox (tests misbehave too). */
  notify(message: Message): void {
    for (const value of this.#out.uplink.fragment(encodeMessage(message), this.mtu)) {
      this.notified.push(value);
      this.#att({ type: "handleValueNotification", handle: this.h.uplink, value });
    }
  }

  sendRaw(bytes: Uint8Array): void {
    this.#o.send(bytes);
  }

  // ---- link ----

  #onLink(c: Extract<VglMessage, { channel: "linkControl" }>["control"]): void {
    if (c.type === "connect") {
      if (this.connected) return;
      this.connected = true;
      this.#hs = new PeripheralHandshake({ info: this.info, window: this.#o.window ?? { events: 4, bytes: 1024 }, nextSeq: (s) => this.outbox.sender(s).nextSeq }, this.#o.now());
      this.#link({ type: "connected", vglVersion: 1, name: this.#o.name ?? "ferry-demo" });
    } else if (c.type === "disconnect") this.#end();
  }

  #end(): void {
    this.connected = false;
    this.#open = false;
    this.#hs = undefined;
    this.mtu = 23;
    this.#cccd = { control: false, uplink: false };
    this.#out.control.reset();
    this.#out.uplink.reset();
    this.#in.control.reset();
    this.#in.downlink.reset();
    this.#indications = [];
    this.#awaitingConfirmation = false;
  }

  // ---- ATT server ----

  #onAtt(pdu: AttPdu): void {
    const err = (requestOpcode: number, handle: number, errorCode: number) => this.#att({ type: "errorResponse", requestOpcode, handle, errorCode });
    switch (pdu.type) {
      case "exchangeMtuRequest": {
        const own = this.#o.mtu ?? 247;
        this.mtu = Math.max(23, Math.min(517, pdu.clientRxMtu, own));
        return this.#att({ type: "exchangeMtuResponse", serverRxMtu: own });
      }
      case "readByGroupTypeRequest": {
        const b = this.#attrs[0]!.handle;
        if (pdu.startHandle <= b && b <= pdu.endHandle) return this.#att({ type: "readByGroupTypeResponse", entries: [{ handle: b, endGroupHandle: this.h.end, uuid: FERRY_UUID.service }] });
        const x = this.h.end + 1;
        if (this.#o.extraService && pdu.startHandle <= x && x <= pdu.endHandle) {
          return this.#att({ type: "readByGroupTypeResponse", entries: [{ handle: x, endGroupHandle: x + 2, uuid: "180f" }] });
        }
        return err(0x10, pdu.startHandle, ATT_ERROR.ATTRIBUTE_NOT_FOUND);
      }
      case "readByTypeRequest": {
        const fit = Math.floor((this.mtu - 2) / 21);
        const decls = this.#attrs.filter((a) => a.type === "2803" && a.handle >= pdu.startHandle && a.handle <= pdu.endHandle).slice(0, fit);
        if (decls.length === 0) return err(0x08, pdu.startHandle, ATT_ERROR.ATTRIBUTE_NOT_FOUND);
        const entries = decls.map((d) => ({ declarationHandle: d.handle, properties: d.value![0]!, valueHandle: d.value![1]! | (d.value![2]! << 8), uuid: uuidOf(d.value!.subarray(3)) }));
        return this.#att({ type: "readByTypeResponse", entries });
      }
      case "findInformationRequest": {
        const inRange = this.#attrs.filter((a) => a.handle >= pdu.startHandle && a.handle <= pdu.endHandle);
        if (inRange.length === 0) return err(0x04, pdu.startHandle, ATT_ERROR.ATTRIBUTE_NOT_FOUND);
        const size = inRange[0]!.type.length;
        const same = [];
        for (const a of inRange) {
          if (a.type.length !== size) break;
          same.push({ handle: a.handle, uuid: a.type });
        }
        return this.#att({ type: "findInformationResponse", entries: same.slice(0, Math.floor((this.mtu - 2) / (size === 4 ? 4 : 18))) });
      }
      case "readRequest":
      case "readBlobRequest": {
        const op = pdu.type === "readRequest" ? 0x0a : 0x0c;
        if (pdu.handle !== this.h.info) return err(op, pdu.handle, this.#attrs.some((a) => a.handle === pdu.handle) ? ATT_ERROR.READ_NOT_PERMITTED : ATT_ERROR.INVALID_HANDLE);
        const value = encodeDeviceInfo(this.info);
        const offset = pdu.type === "readBlobRequest" ? pdu.offset : 0;
        if (offset > value.length) return err(op, pdu.handle, ATT_ERROR.INVALID_OFFSET);
        const part = value.slice(offset, offset + this.mtu - 1);
        return this.#att(pdu.type === "readRequest" ? { type: "readResponse", value: part } : { type: "readBlobResponse", value: part });
      }
      case "writeRequest":
        return this.#onWrite(pdu.handle, pdu.value);
      case "writeCommand":
        if (pdu.handle === this.h.downlink && pdu.value.length <= this.mtu - 3) this.#onFragment("downlink", pdu.value);
        return;
      case "handleValueConfirmation":
        this.#awaitingConfirmation = false;
        return this.#flushIndications();
      default:
        return;
    }
  }

  #onWrite(handle: number, value: Uint8Array): void {
    const err = (errorCode: number) => this.#att({ type: "errorResponse", requestOpcode: 0x12, handle, errorCode });
    if (handle === this.h.controlCccd || handle === this.h.uplinkCccd) {
      if (value.length !== 2) return err(ATT_ERROR.INVALID_ATTRIBUTE_VALUE_LENGTH);
      const which = handle === this.h.controlCccd ? "control" : "uplink";
      this.#cccd[which] = value[0] !== 0;
      this.#out[which].reset(); // [FRAG-5]
      this.#att({ type: "writeResponse" });
      return this.#pump();
    }
    if (handle !== this.h.control) return err(ATT_ERROR.WRITE_NOT_PERMITTED);
    if (value.length > this.mtu - 3) return err(ATT_ERROR.INVALID_ATTRIBUTE_VALUE_LENGTH);
    this.#att({ type: "writeResponse" }); // [GATT-9] before any Ferry-level answer
    this.#onFragment("control", value);
  }

  // ---- Ferry ----

  #onFragment(on: "control" | "downlink", value: Uint8Array): void {
    const { sdus, errors } = this.#in[on].push(value);
    for (const e of errors) this.indicate({ type: "error", error: { code: e.code, detail: e.message } });
    for (const sdu of sdus) this.#onMessage(on, decodeMessage(sdu));
  }

  #onMessage(on: "control" | "downlink", message: Message): void {
    this.messages.push({ on, message });
    const now = this.#o.now();
    if (on === "downlink") {
      if (message.type !== "command" || this.commandOutcome === "none") return;
      return this.indicate({ type: "commandAck", commandAck: { ids: [message.command.id], outcome: this.commandOutcome, scope: "end-to-end" } });
    }
    if (this.ignoreControl) return;
    const step = this.#hs!.handleMessage(message);
    for (const m of step.kind === "failed" || step.kind === "established" ? step.send : []) this.indicate(m);
    if (step.kind === "established") {
      this.#open = true;
      this.#appMax = step.outcome.maxMessage || 4096;
      this.outbox.resume(now, step.outcome.replay, step.outcome.window);
      return this.#pump();
    }
    if (step.kind === "session" && step.message.type === "ack") {
      this.outbox.handleAck(step.message.ack, now);
      this.#pump();
    }
  }

  #pump(): void {
    if (!this.#open || !this.#cccd.uplink) return;
    for (const m of this.outbox.pollTransmit(this.#o.now(), { maxMessage: this.#appMax })) {
      for (const value of this.#out.uplink.fragment(encodeMessage(m), this.mtu)) {
        if (this.cutAfterFragments !== undefined && this.notified.length >= this.cutAfterFragments) continue;
        if (this.loseNext > 0 && this.loseNext--) continue;
        this.notified.push(value);
        this.#att({ type: "handleValueNotification", handle: this.h.uplink, value });
      }
    }
  }

  #flushIndications(): void {
    if (this.#awaitingConfirmation || !this.connected || !this.#cccd.control) return;
    const value = this.#indications.shift();
    if (!value) return;
    this.#awaitingConfirmation = true;
    this.#att({ type: "handleValueIndication", handle: this.h.control, value });
  }

  #att(pdu: AttPdu): void {
    this.#o.send(encodeVglMessage({ channel: "att", pdu }));
  }

  #link(control: Extract<VglMessage, { channel: "linkControl" }>["control"]): void {
    this.#o.send(encodeVglMessage({ channel: "linkControl", control }));
  }
}

/** A 128-bit UUID as ATT writes it: least significant byte first (10.3). */
export function uuidBytes(uuid: string): Uint8Array {
  const hex = uuid.replaceAll("-", "");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[out.length - 1 - i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function uuidOf(bytes: Uint8Array): string {
  const hex = [...bytes].reverse().map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
