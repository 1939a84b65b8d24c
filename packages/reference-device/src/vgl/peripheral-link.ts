/**
 * The peripheral end of a virtual GATT link (chapter 10): a byte stream of
 * frames in, frames out, around a Device. Sans-IO: `handleBytes` takes what
 * the stream delivered, however it was split [VGL-13]; frames go to
 * `write`; `close` is called when the stream must be closed [VGL-2].
 *
 * Link control [VGL-3] [VGL-4]: CONNECT (version 1) is answered CONNECTED
 * with the device's name and starts a connection; another version gets
 * DISCONNECT 0x16; DISCONNECT from either side, or the stream ending
 * (0x08), ends it, and the stream stays open for the next CONNECT. ATT
 * PDUs outside a connection are dropped. A Device outlives its links (a
 * host build's process serves one central after another), so the device
 * reports its outputs to whichever link is current: `fromDevice`.
 *
 * As a SimNode (poll/pollAt) it runs in @ferry/protocol/sim's Simulation.
 */
import {
  DISCONNECT_REASON,
  FrameDecoder,
  VGL_VERSION,
  decodeVglFrame,
  encodeVglMessage,
  type AttPdu,
  type LinkControl,
  type VglError,
  type VglMessage,
} from "@ferry/protocol/vgl";
import { Device, type DeviceOptions, type DeviceOutput } from "../device/device.js";

export interface VglPeripheralOptions {
  /** One frame's bytes, to write to the stream at once (stdio: flushed per frame [VGL-10]). */
  write: (bytes: Uint8Array) => void;
  /** The stream can no longer be trusted and must be closed [VGL-2]. */
  close?: () => void;
  /** Link-level faults, for logs. */
  log?: (line: string) => void;
}

export class VglPeripheral {
  readonly name = "device";
  readonly device: Device;
  readonly #options: VglPeripheralOptions;
  readonly #decoder = new FrameDecoder();
  #connected = false;
  #closed = false;

  /** `device` must hand its outputs to this link's `fromDevice` (see `create`). */
  constructor(device: Device, options: VglPeripheralOptions) {
    this.device = device;
    this.#options = options;
  }

  /** A Device and its link in one: the device's outputs go to this link. */
  static create(device: Omit<DeviceOptions, "send">, options: VglPeripheralOptions): VglPeripheral {
    let link: VglPeripheral | undefined;
    const d = new Device({ ...device, send: (o) => link?.fromDevice(o) });
    link = new VglPeripheral(d, options);
    return link;
  }

  get connected(): boolean {
    return this.#connected;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes from the stream. */
  handleBytes(chunk: Uint8Array, now: number): void {
    if (this.#closed) return;
    const { frames, error } = this.#decoder.push(chunk);
    for (const frame of frames) {
      const r = decodeVglFrame(frame);
      if (r.ok) this.#message(r.message, now);
      else this.#fault(r.error, now);
      if (this.#closed) return;
    }
    if (error) this.#fault(error, now);
  }

  /** The stream ended: DISCONNECT with reason 0x08 [VGL-4]. */
  end(now: number): void {
    this.#closed = true;
    if (this.#connected) {
      this.#connected = false;
      this.device.disconnect(now, DISCONNECT_REASON.SUPERVISION_TIMEOUT, "link");
    }
  }

  /** What the device sends: ATT PDUs, or its decision to disconnect. */
  fromDevice(output: DeviceOutput): void {
    if (!this.#connected || this.#closed) return;
    if (output.kind === "att") return this.#write({ channel: "att", pdu: output.pdu });
    this.#connected = false;
    this.#write({ channel: "linkControl", control: { type: "disconnect", reason: output.reason } });
  }

  poll(now: number): void {
    this.device.poll(now);
  }

  pollAt(): number | undefined {
    return this.device.pollAt();
  }

  #message(m: VglMessage, now: number): void {
    if (m.channel === "linkControl") return this.#control(m.control, now);
    // [VGL-3] no ATT PDU before CONNECTED or after DISCONNECT.
    if (this.#connected) this.device.handleAtt(m.pdu, now);
  }

  #control(c: LinkControl, now: number): void {
    switch (c.type) {
      case "connect":
        if (c.vglVersion !== VGL_VERSION) {
          return this.#write({ channel: "linkControl", control: { type: "disconnect", reason: DISCONNECT_REASON.LOCAL_HOST_TERMINATED } });
        }
        // A CONNECT on a live connection: the central lost it; end it and start again.
        if (this.#connected) this.device.disconnect(now, DISCONNECT_REASON.REMOTE_USER_TERMINATED, "central");
        this.#connected = true;
        this.#write({ channel: "linkControl", control: { type: "connected", vglVersion: VGL_VERSION, name: this.device.config.name } });
        this.device.connect(now);
        return;
      case "disconnect":
        if (!this.#connected) return;
        this.#connected = false;
        this.device.disconnect(now, c.reason, "central");
        return;
      case "connected":
        return; // Not a central's message: nothing to do.
    }
  }

  #fault(e: VglError, now: number): void {
    this.#options.log?.(`vgl: ${e.message}`);
    const r = e.reaction;
    switch (r.action) {
      case "ignore":
        return;
      case "respond":
        if (this.#connected) this.#write({ channel: "att", pdu: r.response as AttPdu });
        return;
      case "disconnect":
        if (!this.#connected) return;
        this.#write({ channel: "linkControl", control: { type: "disconnect", reason: r.reason } });
        this.#connected = false;
        this.device.disconnect(now, r.reason, "link");
        return;
      case "close":
        this.end(now);
        this.#options.close?.();
        return;
    }
  }

  #write(m: VglMessage): void {
    this.#options.write(encodeVglMessage(m));
  }
}
