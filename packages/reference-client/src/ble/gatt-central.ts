/**
 * The app's GATT client over a virtual GATT link, sans-IO (chapters 9, 10).
 *
 * Inputs: `connect`, `handleFrame` (a decoded VGL frame), `handleStreamClosed`,
 * `handleTimeout`, `writeControl`, `writeDownlink`, `disconnect`; each takes
 * `now` (ms, monotonic) where time matters. Outputs: `pollTransmit` (frames
 * to write, in order), `pollEvent`, `pollTimeout`. No sockets, no timers.
 *
 * - CONNECT, then CONNECTED; then GattSetup runs MTU exchange, discovery,
 *   Info and subscriptions in the order of [DHS-2] and 10.4.
 * - One ATT request outstanding at a time [VGL-7]: setup requests, then
 *   Write Requests on control, one fragment each [GATT-7].
 * - Each indication gets its Handle Value Confirmation at once.
 * - Messages go out as SDUs fragmented for the MTU in force [FRAG-1]
 *   [FRAG-2]; control and uplink are reassembled per direction.
 * - On DISCONNECT (sent or received) or the end of the byte stream, the
 *   connection ends as [GATT-12] says: SDUs in progress are discarded
 *   (reported FRAGMENT_TRUNCATED), counters reset, CCCDs forgotten, MTU 23
 *   [VGL-4]. The link may CONNECT again afterwards.
 * - A request left unanswered 30 s ends the connection with DISCONNECT 0x16.
 */
import { encodeMessage, Fragmenter, ProtocolError, SDU_LENGTH_MAX } from "@ferry/protocol";
import type { DeviceInfo, Message } from "@ferry/protocol";
import { ATT_ERROR, ATT_MTU_MIN, DISCONNECT_REASON, VGL_VERSION, attMethodKind, attOpcodeOf, decodeVglFrame, encodeVglMessage } from "@ferry/protocol/vgl";
import type { AttPdu, Frame, LinkControl } from "@ferry/protocol/vgl";
import type { GattLayout } from "./gatt-layout.js";
import { GattSetup, type SetupStep } from "./gatt-setup.js";
import { APP_MAX_MESSAGE, SduReceiver } from "./sdu-receiver.js";

/** The ATT transaction timeout (10.3). */
export const ATT_TIMEOUT_MS = 30_000;
/** [ENV-8] a device's max_message of 0 means 4096 on the BLE leg. */
export const GATT_DEFAULT_MAX_MESSAGE = 4_096;

export interface GattCentralConfig {
  /** Client Rx MTU offered in the exchange [GATT-11]; default 517. */
  mtu?: number;
  attTimeoutMs?: number;
}

export type LinkState = "idle" | "connecting" | "setup" | "ready";
export type Direction = "control" | "uplink";

export type CentralEvent =
  /** Setup done: the Hello may be written [DHS-2]. */
  | { type: "ready"; name: string; mtu: number; info: DeviceInfo; layout: GattLayout }
  | { type: "message"; characteristic: Direction; message: Message }
  /** A remote fault in what the device sent on `characteristic`: fragment errors, MALFORMED, ... */
  | { type: "fault"; characteristic: Direction; error: ProtocolError }
  /** Every fragment of a control SDU had its Write Response. */
  | { type: "written" }
  /** The connection cannot go on (setup refused, broken stack, ATT timeout); a disconnect follows. */
  | { type: "failed"; reason: string; error?: ProtocolError }
  | { type: "disconnected"; reason: number; initiator: "local" | "remote"; truncated: ProtocolError[] };

interface Outstanding {
  purpose: "setup" | "control";
  deadline: number;
}

export class GattCentral {
  readonly #mtuOffer: number | undefined;
  readonly #attTimeoutMs: number;
  #state: LinkState = "idle";
  #name = "";
  #mtu = ATT_MTU_MIN;
  #setup: GattSetup | undefined;
  #layout: GattLayout | undefined;
  #outstanding: Outstanding | undefined;
  /** Value handles of the directions whose CCCD this connection enabled [GATT-5]. */
  #subscribed: Partial<Record<Direction, number>> = {};
  #control: Array<{ value: Uint8Array; last: boolean }> = [];
  readonly #controlOut = new Fragmenter({ maxMessage: GATT_DEFAULT_MAX_MESSAGE });
  readonly #downlinkOut = new Fragmenter({ maxMessage: GATT_DEFAULT_MAX_MESSAGE });
  readonly #in: Record<Direction, SduReceiver> = { control: new SduReceiver(APP_MAX_MESSAGE), uplink: new SduReceiver(APP_MAX_MESSAGE) };
  #frames: Uint8Array[] = [];
  #events: CentralEvent[] = [];

  constructor(config: GattCentralConfig = {}) {
    this.#mtuOffer = config.mtu;
    new GattSetup(config.mtu); // checks the offer now, not at the first connection
    this.#attTimeoutMs = config.attTimeoutMs ?? ATT_TIMEOUT_MS;
  }

  get state(): LinkState {
    return this.#state;
  }

  /** The MTU in force: 23 until the exchange completes and after a disconnection [VGL-6]. */
  get mtu(): number {
    return this.#mtu;
  }

  get layout(): GattLayout | undefined {
    return this.#layout;
  }

  /** Ready, and no control SDU waiting or being written. */
  get controlIdle(): boolean {
    return this.#state === "ready" && this.#control.length === 0;
  }

  // ---- inputs ----

  connect(_now: number): void {
    if (this.#state !== "idle") throw new ProtocolError("UNEXPECTED_MESSAGE", `connect while ${this.#state}`, "local");
    this.#state = "connecting";
    this.#link({ type: "connect", vglVersion: VGL_VERSION });
  }

  handleFrame(frame: Frame, now: number): void {
    if (this.#state === "idle") return; // between connections nothing is expected [VGL-3]
    const r = decodeVglFrame(frame);
    if (!r.ok) {
      const re = r.error.reaction;
      if (re.action === "respond" && this.#state !== "connecting") this.#att(re.response);
      if (re.action === "disconnect") this.#fail(r.error.message, re.reason);
      return;
    }
    if (r.message.channel === "linkControl") return this.#onLinkControl(r.message.control, now);
    // [VGL-3] no ATT PDU before CONNECTED.
    if (this.#state !== "connecting") this.#onAtt(r.message.pdu, now);
  }

  /** The byte stream closed: a disconnection with reason 0x08 [VGL-4]. */
  handleStreamClosed(): void {
    if (this.#state !== "idle") this.#end("remote", DISCONNECT_REASON.SUPERVISION_TIMEOUT);
  }

  handleTimeout(now: number): void {
    if (this.#outstanding && now >= this.#outstanding.deadline) this.#fail(`no ATT response within ${this.#attTimeoutMs} ms`);
  }

  /** Queues one Message as an SDU on control, one Write Request a fragment [GATT-7]. */
  writeControl(message: Message, now: number): void {
    this.#mustBeReady("write control");
    const fragments = this.#controlOut.fragment(encodeMessage(message), this.#mtu);
    fragments.forEach((value, i) => this.#control.push({ value, last: i === fragments.length - 1 }));
    this.#pumpControl(now);
  }

  /** Sends one Message as an SDU on downlink by Write Commands [GATT-7]. */
  writeDownlink(message: Message): void {
    this.#mustBeReady("write downlink");
    const handle = this.#layout!.downlink;
    for (const value of this.#downlinkOut.fragment(encodeMessage(message), this.#mtu)) this.#att({ type: "writeCommand", handle, value });
  }

  /** The device's max_message (Info, then Welcome) bounds what goes on control and downlink [FRAG-7]. */
  setPeerMaxMessage(maxMessage: number): void {
    const max = maxMessage === 0 ? GATT_DEFAULT_MAX_MESSAGE : Math.min(maxMessage, SDU_LENGTH_MAX);
    this.#controlOut.setMaxMessage(max);
    this.#downlinkOut.setMaxMessage(max);
  }

  /** Sends DISCONNECT and ends the connection at once [VGL-4]. */
  disconnect(reason: number = DISCONNECT_REASON.LOCAL_HOST_TERMINATED): void {
    if (this.#state === "idle") return;
    this.#link({ type: "disconnect", reason });
    this.#end("local", reason);
  }

  // ---- outputs ----

  pollTransmit(): Uint8Array[] {
    const out = this.#frames;
    this.#frames = [];
    return out;
  }

  pollEvent(): CentralEvent | undefined {
    return this.#events.shift();
  }

  pollTimeout(): number | undefined {
    return this.#outstanding?.deadline;
  }

  // ---- internals ----

  #onLinkControl(c: LinkControl, now: number): void {
    if (c.type === "disconnect") return this.#end("remote", c.reason);
    if (c.type !== "connected" || this.#state !== "connecting") return;
    if (c.vglVersion !== VGL_VERSION) return this.#fail(`peripheral answered VGL version ${c.vglVersion}`);
    this.#name = c.name;
    this.#state = "setup";
    this.#setup = new GattSetup(this.#mtuOffer);
    this.#onSetup(this.#setup.start(), now);
  }

  #onAtt(pdu: AttPdu, now: number): void {
    switch (attMethodKind(attOpcodeOf(pdu.type))) {
      case "response": {
        const o = this.#outstanding;
        if (!o) return this.#fail(`${pdu.type} with no request outstanding`);
        this.#outstanding = undefined;
        if (o.purpose === "setup") {
          const step = this.#setup!.handle(pdu);
          this.#mtu = this.#setup!.mtu;
          return this.#onSetup(step, now);
        }
        if (pdu.type !== "writeResponse") return this.#fail(`${describe(pdu)} to a control write`);
        if (this.#control.shift()?.last) this.#events.push({ type: "written" });
        return this.#pumpControl(now);
      }
      case "notification":
        if (pdu.type === "handleValueNotification") this.#deliver("uplink", pdu.handle, pdu.value);
        return;
      case "indication":
        this.#att({ type: "handleValueConfirmation" });
        if (pdu.type === "handleValueIndication") this.#deliver("control", pdu.handle, pdu.value);
        return;
      case "request":
        // The app serves no attributes.
        return this.#att({ type: "errorResponse", requestOpcode: attOpcodeOf(pdu.type), handle: 0, errorCode: ATT_ERROR.REQUEST_NOT_SUPPORTED });
      default:
        return; // commands and confirmations have no meaning towards a central
    }
  }

  /** A value on a subscribed characteristic; anything else is dropped, as ATT drops what it cannot accept (10.3). */
  #deliver(direction: Direction, handle: number, value: Uint8Array): void {
    if (this.#subscribed[direction] !== handle || value.length > this.#mtu - 3) return;
    for (const r of this.#in[direction].push(value)) {
      this.#events.push(r.kind === "message" ? { type: "message", characteristic: direction, message: r.message } : { type: "fault", characteristic: direction, error: r.error });
    }
  }

  #onSetup(step: SetupStep, now: number): void {
    if (step.kind === "failed") return this.#fail(step.reason, DISCONNECT_REASON.LOCAL_HOST_TERMINATED, step.error);
    if (step.kind === "done") {
      const { result } = step;
      this.#layout = result.layout;
      this.#state = "ready";
      this.setPeerMaxMessage(result.info.maxMessage);
      this.#events.push({ type: "ready", name: this.#name, mtu: result.mtu, info: result.info, layout: result.layout });
      return;
    }
    if (step.subscribes) {
      // [FRAG-5] the device's counter for this direction restarts at 0 once the CCCD is written.
      const { direction, valueHandle } = step.subscribes;
      this.#subscribed[direction] = valueHandle;
      this.#in[direction].reset();
    }
    this.#request("setup", step.pdu, now);
  }

  #pumpControl(now: number): void {
    const next = this.#control[0];
    if (this.#outstanding || !next || this.#state !== "ready") return;
    this.#request("control", { type: "writeRequest", handle: this.#layout!.control, value: next.value }, now);
  }

  #request(purpose: Outstanding["purpose"], pdu: AttPdu, now: number): void {
    this.#outstanding = { purpose, deadline: now + this.#attTimeoutMs };
    this.#att(pdu);
  }

  #att(pdu: AttPdu): void {
    this.#frames.push(encodeVglMessage({ channel: "att", pdu }));
  }

  #link(control: LinkControl): void {
    this.#frames.push(encodeVglMessage({ channel: "linkControl", control }));
  }

  #mustBeReady(what: string): void {
    if (this.#state !== "ready") throw new ProtocolError("UNEXPECTED_MESSAGE", `${what} while ${this.#state}`, "local");
  }

  #fail(reason: string, disconnectReason: number = DISCONNECT_REASON.LOCAL_HOST_TERMINATED, error?: ProtocolError): void {
    this.#events.push({ type: "failed", reason, ...(error && { error }) });
    this.disconnect(disconnectReason);
  }

  #end(initiator: "local" | "remote", reason: number): void {
    const truncated = [...this.#in.control.end(), ...this.#in.uplink.end()];
    this.#controlOut.reset();
    this.#downlinkOut.reset();
    this.#control = [];
    this.#outstanding = undefined;
    this.#setup = undefined;
    this.#layout = undefined;
    this.#subscribed = {};
    this.#mtu = ATT_MTU_MIN;
    this.#state = "idle";
    this.#events.push({ type: "disconnected", reason, initiator, truncated });
  }
}

function describe(pdu: AttPdu): string {
  return pdu.type === "errorResponse" ? `ATT error 0x${pdu.errorCode.toString(16).padStart(2, "0")}` : pdu.type;
}
