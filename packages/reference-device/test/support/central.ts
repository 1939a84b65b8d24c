/**
 * A VGL central written for the tests, from @ferry/protocol's codecs and
 * machines (FrameDecoder, ATT codec, CentralHandshake, Fragmenter,
 * Reassembler, Inbox): it connects, exchanges the MTU, discovers the Ferry
 * service as 10.4 says, reads Info, subscribes, writes a Hello with the
 * custody it holds, takes what the device replays into its Inbox and
 * acknowledges it.
 *
 * It works on any byte stream: `write` sends, `feed` receives. Requests
 * wait for their response (one outstanding [VGL-7]); indications are
 * confirmed at once and reassembled; notifications are reassembled and
 * handed to the Inbox.
 */
import {
  CentralHandshake,
  Fragmenter,
  Inbox,
  Reassembler,
  decodeDeviceInfo,
  decodeMessage,
  encodeMessage,
  type Ack,
  type DeviceInfo,
  type Message,
  type StreamAck,
  type Window,
} from "@ferry/protocol";
import {
  ATT_OPCODE,
  CCCD_UUID,
  CHARACTERISTIC_UUID,
  FrameDecoder,
  PRIMARY_SERVICE_UUID,
  decodeVglFrame,
  encodeVglMessage,
  type AttPdu,
  type VglMessage,
} from "@ferry/protocol/vgl";

export const FERRY_SERVICE = "8b6b0001-9136-4be7-ad60-aa99b5663246";
const UUID = { info: "8b6b0002-9136-4be7-ad60-aa99b5663246", control: "8b6b0003-9136-4be7-ad60-aa99b5663246", uplink: "8b6b0004-9136-4be7-ad60-aa99b5663246", downlink: "8b6b0005-9136-4be7-ad60-aa99b5663246" };

export interface Handles {
  service: { start: number; end: number };
  info: number;
  control: number;
  controlCccd: number;
  uplink: number;
  uplinkCccd: number;
  downlink: number;
}

export class TestCentral {
  readonly #write: (bytes: Uint8Array) => void;
  readonly #decoder = new FrameDecoder();
  /** Every frame received, in order. */
  readonly frames: VglMessage[] = [];
  /** Ferry messages indicated on control, in order. */
  readonly control: Message[] = [];
  /** Ferry messages notified on uplink, in order. */
  readonly uplink: Message[] = [];
  /** Fragment errors this central found, by name. */
  readonly fragmentErrors: string[] = [];
  #waiters: Array<() => void> = [];
  #pending: { resolve: (p: AttPdu) => void } | undefined;
  #responses: AttPdu[] = [];
  mtu = 23;
  handles: Handles | undefined;
  info: DeviceInfo | undefined;
  inbox: Inbox | undefined;
  #controlOut = new Fragmenter({ maxMessage: 4096 });
  #downlinkOut = new Fragmenter({ maxMessage: 4096 });
  #controlIn = new Reassembler({ maxMessage: 16_383 });
  #uplinkIn = new Reassembler({ maxMessage: 16_383 });
  /** Confirm indications at once (tests of [VGL-7] turn this off). */
  autoConfirm = true;
  connected = false;
  disconnectReason: number | undefined;

  constructor(write: (bytes: Uint8Array) => void) {
    this.#write = write;
  }

  // ---- the byte stream ----

  feed(chunk: Uint8Array): void {
    const { frames } = this.#decoder.push(chunk);
    for (const frame of frames) {
      const r = decodeVglFrame(frame);
      if (!r.ok) throw new Error(`central got a bad frame: ${r.error.message}`);
      this.frames.push(r.message);
      this.#handle(r.message);
    }
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  send(m: VglMessage): void {
    this.#write(encodeVglMessage(m));
  }

  /** Resolves when `cond` holds, checked after every chunk received. */
  waitFor(cond: () => boolean, what = "condition", timeoutMs = 10_000): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      const check = () => {
        if (cond()) {
          clearTimeout(timer);
          resolve();
        } else this.#waiters.push(check);
      };
      this.#waiters.push(check);
    });
  }

  // ---- link control and ATT ----

  async connect(): Promise<string> {
    const before = this.frames.length;
    this.send({ channel: "linkControl", control: { type: "connect", vglVersion: 1 } });
    await this.waitFor(() => this.frames.slice(before).some((f) => f.channel === "linkControl"), "CONNECTED");
    const f = this.frames.slice(before).find((x) => x.channel === "linkControl")!;
    if (f.channel !== "linkControl" || f.control.type !== "connected") throw new Error(`expected CONNECTED, got ${JSON.stringify(f)}`);
    this.connected = true;
    this.#controlIn.reset();
    this.#uplinkIn.reset();
    this.#controlOut.reset();
    this.#downlinkOut.reset();
    this.mtu = 23;
    return f.control.name;
  }

  disconnect(reason = 0x13): void {
    this.send({ channel: "linkControl", control: { type: "disconnect", reason } });
    this.connected = false;
  }

  /** One ATT request and its response [VGL-7]. */
  async request(pdu: AttPdu): Promise<AttPdu> {
    if (this.#pending) throw new Error("a request is outstanding");
    const p = new Promise<AttPdu>((resolve) => (this.#pending = { resolve }));
    this.send({ channel: "att", pdu });
    const queued = this.#responses.shift();
    if (queued) this.#settle(queued);
    return withTimeout(p, `response to ${pdu.type}`);
  }

  async exchangeMtu(clientRxMtu = 517): Promise<number> {
    const r = await this.request({ type: "exchangeMtuRequest", clientRxMtu });
    if (r.type !== "exchangeMtuResponse") throw new Error(`MTU exchange answered ${r.type}`);
    this.mtu = Math.min(Math.max(23, Math.min(517, clientRxMtu)), r.serverRxMtu);
    return this.mtu;
  }

  /** 10.4 steps 1 to 3. */
  async discover(): Promise<Handles> {
    let service: { start: number; end: number } | undefined;
    for (let start = 1; start <= 0xffff; ) {
      const r = await this.request({ type: "readByGroupTypeRequest", startHandle: start, endHandle: 0xffff, groupType: PRIMARY_SERVICE_UUID });
      if (r.type === "errorResponse") break;
      if (r.type !== "readByGroupTypeResponse") throw new Error(r.type);
      for (const e of r.entries) if (e.uuid === FERRY_SERVICE) service = { start: e.handle, end: e.endGroupHandle };
      start = r.entries[r.entries.length - 1]!.endGroupHandle + 1;
    }
    if (!service) throw new Error("no Ferry service");
    const chars: Array<{ decl: number; value: number; uuid: string }> = [];
    for (let start = service.start; start <= service.end; ) {
      const r = await this.request({ type: "readByTypeRequest", startHandle: start, endHandle: service.end, attributeType: CHARACTERISTIC_UUID });
      if (r.type === "errorResponse") break;
      if (r.type !== "readByTypeResponse") throw new Error(r.type);
      for (const e of r.entries) chars.push({ decl: e.declarationHandle, value: e.valueHandle, uuid: e.uuid });
      start = r.entries[r.entries.length - 1]!.declarationHandle + 1;
    }
    const value = (uuid: string) => chars.find((c) => c.uuid === uuid)?.value ?? 0;
    const cccd = async (uuid: string) => {
      const i = chars.findIndex((c) => c.uuid === uuid);
      const end = (chars[i + 1]?.decl ?? service!.end + 1) - 1;
      const r = await this.request({ type: "findInformationRequest", startHandle: chars[i]!.value + 1, endHandle: end });
      if (r.type !== "findInformationResponse") throw new Error(`no CCCD for ${uuid}`);
      return r.entries.find((e) => e.uuid === CCCD_UUID)!.handle;
    };
    this.handles = {
      service,
      info: value(UUID.info),
      control: value(UUID.control),
      controlCccd: await cccd(UUID.control),
      uplink: value(UUID.uplink),
      uplinkCccd: await cccd(UUID.uplink),
      downlink: value(UUID.downlink),
    };
    return this.handles;
  }

  /** 10.4 step 4: Read, then Read Blob while a response carried MTU - 1 bytes. */
  async readInfo(): Promise<DeviceInfo> {
    const h = this.handles!.info;
    let value: Uint8Array = new Uint8Array(0);
    for (let part = await this.request({ type: "readRequest", handle: h }); ; ) {
      if (part.type !== "readResponse" && part.type !== "readBlobResponse") throw new Error(`info read answered ${part.type}`);
      value = concat(value, part.value);
      if (part.value.length < this.mtu - 1) break;
      part = await this.request({ type: "readBlobRequest", handle: h, offset: value.length });
    }
    this.info = decodeDeviceInfo(value);
    return this.info;
  }

  /** 10.4 step 5. */
  async subscribe(control = 0x0002, uplink = 0x0001): Promise<void> {
    for (const [handle, v] of [[this.handles!.controlCccd, control], [this.handles!.uplinkCccd, uplink]] as const) {
      const r = await this.request({ type: "writeRequest", handle, value: new Uint8Array([v & 0xff, v >> 8]) });
      if (r.type !== "writeResponse") throw new Error(`CCCD write answered ${r.type}`);
    }
  }

  /** A Ferry message on control: one Write Request per fragment, each answered [GATT-7]. */
  async writeControl(msg: Message): Promise<void> {
    for (const value of this.#controlOut.fragment(encodeMessage(msg), this.mtu)) {
      const r = await this.request({ type: "writeRequest", handle: this.handles!.control, value });
      if (r.type !== "writeResponse") throw new Error(`control write answered ${JSON.stringify(r)}`);
    }
  }

  /** A Ferry message on downlink, by Write Command [GATT-7]. */
  writeDownlink(msg: Message): void {
    for (const value of this.#downlinkOut.fragment(encodeMessage(msg), this.mtu)) this.send({ channel: "att", pdu: { type: "writeCommand", handle: this.handles!.downlink, value } });
  }

  // ---- the Ferry session ----

  /** Everything up to the Welcome: MTU, discovery, Info, CCCDs, Hello [DHS-2]. */
  async open(options: { mtu?: number; custody?: StreamAck[]; window?: Window; features?: number } = {}): Promise<void> {
    if (!this.connected) await this.connect();
    await this.exchangeMtu(options.mtu ?? 517);
    await this.discover();
    const info = await this.readInfo();
    await this.subscribe();
    const window = options.window ?? { events: 128, bytes: 32_768 };
    const hs = new CentralHandshake({ majors: [1], minor: 0, features: options.features ?? 2, window, maxMessage: 16_383, wakeBudgetMs: 0 });
    const start = hs.start(info, options.custody ?? this.inbox?.custody() ?? [], 0);
    if (start.kind !== "hello") throw new Error(`handshake refused: ${start.error.message}`);
    // One Inbox per device epoch; a central that meets a new epoch is a new TestCentral in these tests.
    this.inbox ??= new Inbox({ epoch: info.epoch, window });
    this.inbox.resume(window);
    const before = this.control.length;
    await this.writeControl(start.send[0]!);
    await this.waitFor(() => this.control.length > before, "Welcome");
    const step = hs.handleMessage(this.control[before]!);
    if (step.kind !== "established") throw new Error(`no Welcome: ${JSON.stringify(this.control[before])}`);
  }

  /** Takes custody of what arrived and writes one Ack covering it [ACK-15]. */
  async ack(window?: Window): Promise<Ack | undefined> {
    if (window) this.inbox!.grant(window);
    this.inbox!.markDurable();
    const ack = this.inbox!.pollAck("hop");
    if (ack) await this.writeControl({ type: "ack", ack });
    return ack;
  }

  /** Events received on uplink (stream, seq, payload) in arrival order. */
  events(): Array<{ stream: number; epoch: number; seq: bigint; payload: Uint8Array }> {
    return this.uplink.flatMap((m) => (m.type === "events" ? m.events.payloads.map((payload, i) => ({ stream: m.events.stream, epoch: m.events.epoch, seq: m.events.firstSeq + BigInt(i), payload })) : []));
  }

  // ---- internals ----

  #handle(m: VglMessage): void {
    if (m.channel === "linkControl") {
      if (m.control.type === "disconnect") {
        this.connected = false;
        this.disconnectReason = m.control.reason;
      }
      return;
    }
    const pdu = m.pdu;
    if (pdu.type === "handleValueIndication") {
      if (this.autoConfirm) this.send({ channel: "att", pdu: { type: "handleValueConfirmation" } });
      return this.#fragment(this.#controlIn, pdu.value, this.control);
    }
    if (pdu.type === "handleValueNotification") {
      const before = this.uplink.length;
      this.#fragment(this.#uplinkIn, pdu.value, this.uplink);
      for (const msg of this.uplink.slice(before)) this.inbox?.handle(msg, 0);
      return;
    }
    // A response: to the outstanding request.
    if (this.#pending) this.#settle(pdu);
    else this.#responses.push(pdu);
  }

  #settle(pdu: AttPdu): void {
    const p = this.#pending!;
    this.#pending = undefined;
    p.resolve(pdu);
  }

  #fragment(r: Reassembler, value: Uint8Array, into: Message[]): void {
    const { sdus, errors } = r.push(value);
    for (const e of errors) this.fragmentErrors.push(e.errorName);
    for (const sdu of sdus) into.push(decodeMessage(sdu, { maxMessage: 16_383 }));
  }

  confirm(): void {
    this.send({ channel: "att", pdu: { type: "handleValueConfirmation" } });
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function withTimeout<T>(p: Promise<T>, what: string, ms = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

export { ATT_OPCODE };
