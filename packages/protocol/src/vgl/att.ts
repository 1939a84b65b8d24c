/**
 * Encoding and decoding of the ATT PDUs of 10.3, with the layouts of the
 * chapter's table [VGL-5].
 *
 * One table holds, per PDU, its opcode, its method kind and how to write and
 * read what follows the opcode, so each layout is read next to its inverse.
 * Decoding is strict: a fixed layout must end exactly, entry lists must be
 * whole and non-empty, and bytes that decode re-encode to themselves.
 *
 * A PDU that does not decode gets the reaction the chapter and the Core
 * Specification give it (see `reactionTo`).
 */
import { ByteReader, ByteWriter, MalformedBytes } from "./bytes.js";
import { DISCONNECT_REASON } from "./link-control.js";
import { VglError, localVglError, type VglReaction } from "./errors.js";
import { ATT_ERROR, ATT_MTU_MAX, ATT_OPCODE, type AttMethodKind, type AttPdu, type AttPduOf, type AttPduType } from "./att-pdu.js";
import { readEntries, writeEntries } from "./att-entries.js";
import { readUuid, writeUuid, type AttUuid } from "./uuid.js";

interface PduCodec<T extends AttPduType> {
  opcode: number;
  kind: AttMethodKind;
  write(pdu: AttPduOf<T>, w: ByteWriter): void;
  read(r: ByteReader): AttPduOf<T>;
}

type Codecs = { [T in AttPduType]: PduCodec<T> };

/** u16 handle, then the value to the end of the PDU. */
const handleValue = <T extends "writeRequest" | "writeCommand" | "handleValueNotification" | "handleValueIndication">(
  type: T,
  opcode: number,
  kind: AttMethodKind,
): PduCodec<T> => ({
  opcode,
  kind,
  write: (p: { handle: number; value: Uint8Array }, w: ByteWriter) => w.u16(p.handle, "handle").put(p.value),
  read: (r) => ({ type, handle: r.u16("handle"), value: r.rest() }) as AttPduOf<T>,
});

/** The attribute type that ends a Read By Type or Read By Group Type Request: 2 or 16 bytes. */
function readType(r: ByteReader, what: string): AttUuid {
  const size = r.remaining;
  if (size !== 2 && size !== 16) throw new MalformedBytes(`${what} takes 2 or 16 bytes, not ${size}`);
  return readUuid(r, size, what);
}

const CODECS: Codecs = {
  errorResponse: {
    opcode: ATT_OPCODE.ERROR_RESPONSE,
    kind: "response",
    write: (p, w) => w.u8(p.requestOpcode, "request opcode").u16(p.handle, "handle").u8(p.errorCode, "error code"),
    read: (r) => ({ type: "errorResponse", requestOpcode: r.u8("request opcode"), handle: r.u16("handle"), errorCode: r.u8("error code") }),
  },
  exchangeMtuRequest: {
    opcode: ATT_OPCODE.EXCHANGE_MTU_REQUEST,
    kind: "request",
    write: (p, w) => w.u16(p.clientRxMtu, "client Rx MTU"),
    read: (r) => ({ type: "exchangeMtuRequest", clientRxMtu: r.u16("client Rx MTU") }),
  },
  exchangeMtuResponse: {
    opcode: ATT_OPCODE.EXCHANGE_MTU_RESPONSE,
    kind: "response",
    write: (p, w) => w.u16(p.serverRxMtu, "server Rx MTU"),
    read: (r) => ({ type: "exchangeMtuResponse", serverRxMtu: r.u16("server Rx MTU") }),
  },
  findInformationRequest: {
    opcode: ATT_OPCODE.FIND_INFORMATION_REQUEST,
    kind: "request",
    write: (p, w) => w.u16(p.startHandle, "start handle").u16(p.endHandle, "end handle"),
    read: (r) => ({ type: "findInformationRequest", startHandle: r.u16("start handle"), endHandle: r.u16("end handle") }),
  },
  findInformationResponse: {
    opcode: ATT_OPCODE.FIND_INFORMATION_RESPONSE,
    kind: "response",
    write: (p, w) => writeEntries("findInformationResponse", p.entries, w),
    read: (r) => ({ type: "findInformationResponse", entries: readEntries("findInformationResponse", r) }),
  },
  readByTypeRequest: {
    opcode: ATT_OPCODE.READ_BY_TYPE_REQUEST,
    kind: "request",
    write: (p, w) => writeUuid(w.u16(p.startHandle, "start handle").u16(p.endHandle, "end handle"), p.attributeType),
    read: (r) => ({
      type: "readByTypeRequest",
      startHandle: r.u16("start handle"),
      endHandle: r.u16("end handle"),
      attributeType: readType(r, "attribute type"),
    }),
  },
  readByTypeResponse: {
    opcode: ATT_OPCODE.READ_BY_TYPE_RESPONSE,
    kind: "response",
    write: (p, w) => writeEntries("readByTypeResponse", p.entries, w),
    read: (r) => ({ type: "readByTypeResponse", entries: readEntries("readByTypeResponse", r) }),
  },
  readRequest: {
    opcode: ATT_OPCODE.READ_REQUEST,
    kind: "request",
    write: (p, w) => w.u16(p.handle, "handle"),
    read: (r) => ({ type: "readRequest", handle: r.u16("handle") }),
  },
  readResponse: {
    opcode: ATT_OPCODE.READ_RESPONSE,
    kind: "response",
    write: (p, w) => w.put(p.value),
    read: (r) => ({ type: "readResponse", value: r.rest() }),
  },
  readBlobRequest: {
    opcode: ATT_OPCODE.READ_BLOB_REQUEST,
    kind: "request",
    write: (p, w) => w.u16(p.handle, "handle").u16(p.offset, "offset"),
    read: (r) => ({ type: "readBlobRequest", handle: r.u16("handle"), offset: r.u16("offset") }),
  },
  readBlobResponse: {
    opcode: ATT_OPCODE.READ_BLOB_RESPONSE,
    kind: "response",
    write: (p, w) => w.put(p.value),
    read: (r) => ({ type: "readBlobResponse", value: r.rest() }),
  },
  readByGroupTypeRequest: {
    opcode: ATT_OPCODE.READ_BY_GROUP_TYPE_REQUEST,
    kind: "request",
    write: (p, w) => writeUuid(w.u16(p.startHandle, "start handle").u16(p.endHandle, "end handle"), p.groupType),
    read: (r) => ({
      type: "readByGroupTypeRequest",
      startHandle: r.u16("start handle"),
      endHandle: r.u16("end handle"),
      groupType: readType(r, "group type"),
    }),
  },
  readByGroupTypeResponse: {
    opcode: ATT_OPCODE.READ_BY_GROUP_TYPE_RESPONSE,
    kind: "response",
    write: (p, w) => writeEntries("readByGroupTypeResponse", p.entries, w),
    read: (r) => ({ type: "readByGroupTypeResponse", entries: readEntries("readByGroupTypeResponse", r) }),
  },
  writeRequest: handleValue("writeRequest", ATT_OPCODE.WRITE_REQUEST, "request"),
  writeResponse: { opcode: ATT_OPCODE.WRITE_RESPONSE, kind: "response", write: () => {}, read: () => ({ type: "writeResponse" }) },
  writeCommand: handleValue("writeCommand", ATT_OPCODE.WRITE_COMMAND, "command"),
  handleValueNotification: handleValue("handleValueNotification", ATT_OPCODE.HANDLE_VALUE_NOTIFICATION, "notification"),
  handleValueIndication: handleValue("handleValueIndication", ATT_OPCODE.HANDLE_VALUE_INDICATION, "indication"),
  handleValueConfirmation: {
    opcode: ATT_OPCODE.HANDLE_VALUE_CONFIRMATION,
    kind: "confirmation",
    write: () => {},
    read: () => ({ type: "handleValueConfirmation" }),
  },
};

const BY_OPCODE = new Map<number, PduCodec<AttPduType>>(
  Object.values(CODECS).map((c) => [c.opcode, c as PduCodec<AttPduType>]),
);

/** The method kind of an opcode of the table, or undefined for another opcode. */
export function attMethodKind(opcode: number): AttMethodKind | undefined {
  return BY_OPCODE.get(opcode)?.kind;
}

export function attOpcodeOf(type: AttPduType): number {
  return CODECS[type].opcode;
}

/** The bytes of one ATT PDU. Throws a local VglError for a field out of range or a PDU above 517 bytes. */
export function encodeAttPdu(pdu: AttPdu): Uint8Array {
  const codec = CODECS[pdu.type] as PduCodec<AttPduType> | undefined;
  if (!codec) throw localVglError("FIELD_INVALID", `unknown ATT PDU type ${String(pdu.type)}`);
  const w = new ByteWriter().u8(codec.opcode, "opcode");
  codec.write(pdu, w);
  const bytes = w.finish();
  if (bytes.length > ATT_MTU_MAX) throw localVglError("FIELD_INVALID", `${pdu.type} of ${bytes.length} bytes exceeds ${ATT_MTU_MAX}`);
  return bytes;
}

export type AttDecodeResult = { ok: true; pdu: AttPdu } | { ok: false; error: VglError };

/** Decodes one ATT PDU (the payload of a channel 0x04 frame). Never throws. */
export function decodeAttPdu(bytes: Uint8Array): AttDecodeResult {
  const opcode = bytes[0];
  if (opcode === undefined) {
    // No opcode, so no request to answer: dropped.
    return { ok: false, error: new VglError("ATT_PDU_MALFORMED", "empty ATT PDU", { action: "ignore" }) };
  }
  const codec = BY_OPCODE.get(opcode);
  if (!codec) {
    return { ok: false, error: new VglError("ATT_OPCODE_UNKNOWN", `ATT opcode ${hex(opcode)} is not in the VGL's table`, reactionTo(opcode, undefined)) };
  }
  const r = new ByteReader(bytes.subarray(1));
  try {
    const pdu = codec.read(r);
    r.end(pdu.type);
    return { ok: true, pdu };
  } catch (e) {
    if (!(e instanceof MalformedBytes)) throw e;
    const detail = `${typeOfOpcode(opcode)} (${hex(opcode)}): ${e.message}`;
    return { ok: false, error: new VglError("ATT_PDU_MALFORMED", detail, reactionTo(opcode, codec.kind)) };
  }
}

/** Opcodes with this bit set are commands: never answered, even when unknown (Core Vol 3 Part F 3.3.1). */
const COMMAND_FLAG = 0x40;

/**
 * What a peer does with an ATT PDU it cannot decode; `kind` is undefined for
 * an opcode outside the table.
 *
 * - Unknown opcode: a command is ignored; anything else is taken as a request
 *   and answered Request Not Supported (0x06), handle 0x0000 [VGL-5].
 * - Malformed request: answered Invalid PDU (0x04), handle 0x0000, as the
 *   Core Specification prescribes (the chapter is silent).
 * - Malformed command or notification: dropped, as a command or notification
 *   that cannot be accepted is (10.3).
 * - Malformed response, indication or confirmation: the transaction it
 *   belongs to cannot complete, so the connection ends at once with
 *   DISCONNECT 0x16, as the 30 s transaction timeout would end it later.
 */
export function reactionTo(opcode: number, kind: AttMethodKind | undefined): VglReaction {
  const answer = (errorCode: number): VglReaction => ({
    action: "respond",
    response: { type: "errorResponse", requestOpcode: opcode, handle: 0x0000, errorCode },
  });
  switch (kind) {
    case undefined:
      return opcode & COMMAND_FLAG ? { action: "ignore" } : answer(ATT_ERROR.REQUEST_NOT_SUPPORTED);
    case "request":
      return answer(ATT_ERROR.INVALID_PDU);
    case "command":
    case "notification":
      return { action: "ignore" };
    case "response":
    case "indication":
    case "confirmation":
      return { action: "disconnect", reason: DISCONNECT_REASON.LOCAL_HOST_TERMINATED };
  }
}

function typeOfOpcode(opcode: number): string {
  return (Object.keys(CODECS) as AttPduType[]).find((t) => CODECS[t].opcode === opcode) ?? "unknown";
}

const hex = (n: number) => `0x${n.toString(16).padStart(2, "0")}`;
