/**
 * A decoded frame: a link-control message on channel 0x00 or an ATT PDU on
 * channel 0x04. What a driver around the VGL reads from and writes to the
 * byte stream, one frame at a time.
 */
import { decodeAttPdu, encodeAttPdu } from "./att.js";
import type { AttPdu } from "./att-pdu.js";
import type { VglError } from "./errors.js";
import { VGL_CHANNEL, encodeFrame, type Frame } from "./frame.js";
import { decodeLinkControl, encodeLinkControl, type LinkControl } from "./link-control.js";

export type VglMessage = { channel: "linkControl"; control: LinkControl } | { channel: "att"; pdu: AttPdu };

export type VglMessageDecodeResult = { ok: true; message: VglMessage } | { ok: false; error: VglError };

/** The bytes of one frame carrying `message` [VGL-1]. Throws a local VglError as the encoders do. */
export function encodeVglMessage(message: VglMessage): Uint8Array {
  return message.channel === "linkControl"
    ? encodeFrame(VGL_CHANNEL.LINK_CONTROL, encodeLinkControl(message.control))
    : encodeFrame(VGL_CHANNEL.ATT, encodeAttPdu(message.pdu));
}

/** Decodes a frame from `FrameDecoder`. Never throws; the error carries the reaction it calls for. */
export function decodeVglFrame(frame: Frame): VglMessageDecodeResult {
  if (frame.channel === VGL_CHANNEL.LINK_CONTROL) {
    const r = decodeLinkControl(frame.payload);
    return r.ok ? { ok: true, message: { channel: "linkControl", control: r.control } } : r;
  }
  const r = decodeAttPdu(frame.payload);
  return r.ok ? { ok: true, message: { channel: "att", pdu: r.pdu } } : r;
}
