/**
 * Link control (10.2): the payload of a channel 0x00 frame, an opcode and
 * its fields.
 *
 *   0x01 CONNECT     central -> peripheral  u8 vgl_version
 *   0x02 CONNECTED   peripheral -> central  u8 vgl_version, name (UTF-8, rest, 0..248 bytes)
 *   0x03 DISCONNECT  either                 u8 reason
 *
 * An unknown opcode is ignored (10.2). A known opcode whose bytes do not fit
 * its layout ends the connection with DISCONNECT 0x16: a CONNECT without a
 * readable version is one whose version the peripheral does not speak
 * [VGL-3], a CONNECTED without one leaves the central nothing to go on, and
 * a DISCONNECT is a disconnection whatever its reason byte says [VGL-4].
 */
import { ByteReader, ByteWriter, MalformedBytes } from "./bytes.js";
import { VglError, localVglError } from "./errors.js";

/** The version of the VGL this module speaks. */
export const VGL_VERSION = 1;

export const LINK_OPCODE = { CONNECT: 0x01, CONNECTED: 0x02, DISCONNECT: 0x03 } as const;

/** DISCONNECT reasons (the HCI codes a BLE stack reports). The stream closing counts as 0x08 [VGL-4]. */
export const DISCONNECT_REASON = {
  SUPERVISION_TIMEOUT: 0x08,
  REMOTE_USER_TERMINATED: 0x13,
  LOCAL_HOST_TERMINATED: 0x16,
} as const;

/** The longest advertising name CONNECTED carries, in UTF-8 bytes. */
export const DEVICE_NAME_MAX = 248;

export type LinkControl =
  | { type: "connect"; vglVersion: number }
  | { type: "connected"; vglVersion: number; name: string }
  | { type: "disconnect"; reason: number };

export type LinkControlDecodeResult = { ok: true; control: LinkControl } | { ok: false; error: VglError };

/** The payload of a link-control frame. Throws a local VglError for a field that does not fit. */
export function encodeLinkControl(control: LinkControl): Uint8Array {
  const w = new ByteWriter();
  switch (control.type) {
    case "connect":
      return w.u8(LINK_OPCODE.CONNECT, "opcode").u8(control.vglVersion, "vgl_version").finish();
    case "connected": {
      const name = new TextEncoder().encode(control.name);
      if (name.length > DEVICE_NAME_MAX) throw localVglError("FIELD_INVALID", `name of ${name.length} bytes exceeds ${DEVICE_NAME_MAX}`);
      return w.u8(LINK_OPCODE.CONNECTED, "opcode").u8(control.vglVersion, "vgl_version").put(name).finish();
    }
    case "disconnect":
      return w.u8(LINK_OPCODE.DISCONNECT, "opcode").u8(control.reason, "reason").finish();
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decodes a link-control payload. Never throws. */
export function decodeLinkControl(payload: Uint8Array): LinkControlDecodeResult {
  const opcode = payload[0];
  if (opcode !== LINK_OPCODE.CONNECT && opcode !== LINK_OPCODE.CONNECTED && opcode !== LINK_OPCODE.DISCONNECT) {
    const what = opcode === undefined ? "empty link-control payload" : `link-control opcode 0x${opcode.toString(16).padStart(2, "0")}`;
    return { ok: false, error: new VglError("LINK_CONTROL_UNKNOWN", `${what} is ignored`, { action: "ignore" }) };
  }
  const r = new ByteReader(payload.subarray(1));
  try {
    return { ok: true, control: read(opcode, r) };
  } catch (e) {
    if (!(e instanceof MalformedBytes)) throw e;
    return {
      ok: false,
      error: new VglError("LINK_CONTROL_MALFORMED", e.message, { action: "disconnect", reason: DISCONNECT_REASON.LOCAL_HOST_TERMINATED }),
    };
  }
}

function read(opcode: number, r: ByteReader): LinkControl {
  if (opcode === LINK_OPCODE.CONNECT) {
    const control = { type: "connect", vglVersion: r.u8("CONNECT vgl_version") } as const;
    r.end("CONNECT");
    return control;
  }
  if (opcode === LINK_OPCODE.DISCONNECT) {
    const control = { type: "disconnect", reason: r.u8("DISCONNECT reason") } as const;
    r.end("DISCONNECT");
    return control;
  }
  const vglVersion = r.u8("CONNECTED vgl_version");
  const name = r.rest();
  if (name.length > DEVICE_NAME_MAX) throw new MalformedBytes(`CONNECTED name of ${name.length} bytes exceeds ${DEVICE_NAME_MAX}`);
  try {
    return { type: "connected", vglVersion, name: utf8.decode(name) };
  } catch {
    throw new MalformedBytes("CONNECTED name is not valid UTF-8");
  }
}
