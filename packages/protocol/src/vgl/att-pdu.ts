/**
 * The ATT PDUs a VGL carries (10.3), in a validated, readable form.
 *
 * Field names follow the Bluetooth Core Specification, Vol 3, Part F, whose
 * layouts the chapter's table gives. Handles are numbers (0x0000..0xFFFF),
 * values are bytes, UUIDs are text (see uuid.ts).
 */
import type { AttUuid } from "./uuid.js";

/** Opcodes of the PDUs in the chapter's table. */
export const ATT_OPCODE = {
  ERROR_RESPONSE: 0x01,
  EXCHANGE_MTU_REQUEST: 0x02,
  EXCHANGE_MTU_RESPONSE: 0x03,
  FIND_INFORMATION_REQUEST: 0x04,
  FIND_INFORMATION_RESPONSE: 0x05,
  READ_BY_TYPE_REQUEST: 0x08,
  READ_BY_TYPE_RESPONSE: 0x09,
  READ_REQUEST: 0x0a,
  READ_RESPONSE: 0x0b,
  READ_BLOB_REQUEST: 0x0c,
  READ_BLOB_RESPONSE: 0x0d,
  READ_BY_GROUP_TYPE_REQUEST: 0x10,
  READ_BY_GROUP_TYPE_RESPONSE: 0x11,
  WRITE_REQUEST: 0x12,
  WRITE_RESPONSE: 0x13,
  HANDLE_VALUE_NOTIFICATION: 0x1b,
  HANDLE_VALUE_INDICATION: 0x1d,
  HANDLE_VALUE_CONFIRMATION: 0x1e,
  WRITE_COMMAND: 0x52,
} as const;

/**
 * ATT error codes: those of the chapter's error table, plus Invalid PDU
 * (0x04), which the Core Specification prescribes for a request whose bytes
 * do not fit its layout and which the chapter's table does not list.
 */
export const ATT_ERROR = {
  INVALID_HANDLE: 0x01,
  READ_NOT_PERMITTED: 0x02,
  WRITE_NOT_PERMITTED: 0x03,
  INVALID_PDU: 0x04,
  REQUEST_NOT_SUPPORTED: 0x06,
  INVALID_OFFSET: 0x07,
  ATTRIBUTE_NOT_FOUND: 0x0a,
  INVALID_ATTRIBUTE_VALUE_LENGTH: 0x0d,
  UNLIKELY_ERROR: 0x0e,
} as const;

/** The smallest and largest ATT_MTU (23 until an exchange completes) [VGL-6]. */
export const ATT_MTU_MIN = 23;
export const ATT_MTU_MAX = 517;

export interface ServiceEntry {
  handle: number;
  endGroupHandle: number;
  /** The service UUID. */
  uuid: AttUuid;
}

export interface CharacteristicEntry {
  declarationHandle: number;
  /** The properties byte of the declaration (read 0x02, write without response 0x04, write 0x08, notify 0x10, indicate 0x20). */
  properties: number;
  valueHandle: number;
  uuid: AttUuid;
}

export interface DescriptorEntry {
  handle: number;
  uuid: AttUuid;
}

export interface AttErrorResponse {
  type: "errorResponse";
  /** The opcode of the request in error. */
  requestOpcode: number;
  /** The handle in error, 0x0000 when the request named none. */
  handle: number;
  errorCode: number;
}

export type AttPdu =
  | AttErrorResponse
  | { type: "exchangeMtuRequest"; clientRxMtu: number }
  | { type: "exchangeMtuResponse"; serverRxMtu: number }
  | { type: "findInformationRequest"; startHandle: number; endHandle: number }
  /** Format 0x01 when the UUIDs are 16-bit, 0x02 when 128-bit; all entries share one size. */
  | { type: "findInformationResponse"; entries: DescriptorEntry[] }
  /** `attributeType` is 0x2803 (characteristic) in the VGL's discovery. */
  | { type: "readByTypeRequest"; startHandle: number; endHandle: number; attributeType: AttUuid }
  /** Characteristic declarations; all entries share one UUID size (entry length 21, or 7 for 16-bit UUIDs). */
  | { type: "readByTypeResponse"; entries: CharacteristicEntry[] }
  | { type: "readRequest"; handle: number }
  | { type: "readResponse"; value: Uint8Array }
  | { type: "readBlobRequest"; handle: number; offset: number }
  | { type: "readBlobResponse"; value: Uint8Array }
  /** `groupType` is 0x2800 (primary service) in the VGL's discovery. */
  | { type: "readByGroupTypeRequest"; startHandle: number; endHandle: number; groupType: AttUuid }
  /** Services; all entries share one UUID size (entry length 20, or 6 for 16-bit UUIDs). */
  | { type: "readByGroupTypeResponse"; entries: ServiceEntry[] }
  | { type: "writeRequest"; handle: number; value: Uint8Array }
  | { type: "writeResponse" }
  | { type: "writeCommand"; handle: number; value: Uint8Array }
  | { type: "handleValueNotification"; handle: number; value: Uint8Array }
  | { type: "handleValueIndication"; handle: number; value: Uint8Array }
  | { type: "handleValueConfirmation" };

export type AttPduType = AttPdu["type"];
export type AttPduOf<T extends AttPduType> = Extract<AttPdu, { type: T }>;

/**
 * The ATT method kinds. What a peer does with a PDU it cannot decode depends
 * on the kind: a request is answered, a command or notification dropped, and
 * a response, indication or confirmation leaves a transaction open.
 */
export type AttMethodKind = "request" | "response" | "command" | "notification" | "indication" | "confirmation";
