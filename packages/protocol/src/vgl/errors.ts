/**
 * Errors of the virtual GATT link (chapter 10).
 *
 * They are link-level, not Ferry `ProtocolError`s: a VGL fault never becomes a
 * Ferry `Error` message or an errors.json code. What it does become is one of
 * the link's own reactions, which the chapter and the ATT layer define:
 * close the byte stream [VGL-2], ignore the frame or PDU, answer with an ATT
 * Error Response [VGL-5], or end the connection with DISCONNECT.
 *
 * Decoders return these (they never throw on peer bytes, fault "remote");
 * encoders throw them when this side asks for something the wire cannot carry
 * (fault "local", reaction "ignore": nothing goes on the wire).
 */
import type { AttErrorResponse } from "./att-pdu.js";

export type VglErrorCode =
  /** A frame length of 0 or above 518 [VGL-1] [VGL-2]. */
  | "FRAME_LENGTH_INVALID"
  /** A channel other than 0x00 and 0x04 asked of the encoder [VGL-1]. */
  | "CHANNEL_INVALID"
  /** A link-control payload that does not fit its opcode's layout. */
  | "LINK_CONTROL_MALFORMED"
  /** A link-control opcode this version does not know; ignored (10.2). */
  | "LINK_CONTROL_UNKNOWN"
  /** An ATT PDU whose opcode is known but whose bytes do not fit its layout. */
  | "ATT_PDU_MALFORMED"
  /** An ATT opcode outside the table of 10.3. */
  | "ATT_OPCODE_UNKNOWN"
  /** A field value the encoder cannot write (a handle above 0xFFFF, a bad UUID, ...). */
  | "FIELD_INVALID";

/** What the receiving peer does about the error. */
export type VglReaction =
  /** Close the byte stream: no next frame can be found [VGL-2]. */
  | { action: "close" }
  /** Drop the frame or PDU and carry on. */
  | { action: "ignore" }
  /** Send this ATT Error Response and carry on [VGL-5]. */
  | { action: "respond"; response: AttErrorResponse }
  /** Send DISCONNECT with this reason and end the connection [VGL-4]; the byte stream stays open. */
  | { action: "disconnect"; reason: number };

export type VglFault = "remote" | "local";

export class VglError extends Error {
  readonly code: VglErrorCode;
  readonly reaction: VglReaction;
  readonly fault: VglFault;

  constructor(code: VglErrorCode, detail: string, reaction: VglReaction, fault: VglFault = "remote") {
    super(`${code}: ${detail}`);
    this.name = "VglError";
    this.code = code;
    this.reaction = reaction;
    this.fault = fault;
  }
}

/** A local error: the caller asked the encoder for bytes the VGL cannot carry. */
export function localVglError(code: VglErrorCode, detail: string): VglError {
  return new VglError(code, detail, { action: "ignore" }, "local");
}

export function isVglError(e: unknown, code?: VglErrorCode): e is VglError {
  return e instanceof VglError && (code === undefined || e.code === code);
}
