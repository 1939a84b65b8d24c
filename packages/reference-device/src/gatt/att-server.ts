/**
 * The server side of the ATT requests of 10.3 over the table of layout.ts
 * [VGL-5]: MTU exchange, discovery, reads of info, and writes of the CCCDs,
 * control and downlink. Sans-IO: each request gives an outcome, the
 * response to send and, for a write the device accepted, what was written,
 * which the device handles after sending the response (a Write Response
 * goes out before anything the written fragment causes, as in 10.6 [GATT-9]).
 *
 * A VGL link counts as encrypted and bonded, so [GATT-2]'s permission
 * checks pass.
 */
import { ATT_ERROR, ATT_MTU_MAX, ATT_MTU_MIN, ATT_OPCODE, CHARACTERISTIC_UUID, PRIMARY_SERVICE_UUID } from "@ferry/protocol/vgl";
import type { AttPdu, AttPduOf, CharacteristicEntry, DescriptorEntry } from "@ferry/protocol/vgl";
import { ATTRIBUTES, HANDLE, SERVICE_END, SERVICE_UUID, type Attribute } from "./layout.js";

export type WriteTarget = "control" | "downlink" | "controlCccd" | "uplinkCccd";

export interface AttOutcome {
  /** The response to send (requests only). */
  response?: AttPdu;
  /** A value written that the device handles next. */
  written?: { target: WriteTarget; value: Uint8Array };
}

export interface AttServerOptions {
  /** The largest ATT_MTU this side accepts, answered in Exchange MTU Response [GATT-11]. */
  maxMtu: number;
  /** The Info value (a DeviceInfo), fixed for the connection [GATT-6]. */
  info(): Uint8Array;
  /** The CCCD values, for reads. */
  cccd(handle: number): number;
}

type RequestType = "exchangeMtuRequest" | "readByGroupTypeRequest" | "readByTypeRequest" | "findInformationRequest" | "readRequest" | "readBlobRequest" | "writeRequest";

const OPCODE_OF: Record<RequestType, number> = {
  exchangeMtuRequest: ATT_OPCODE.EXCHANGE_MTU_REQUEST,
  readByGroupTypeRequest: ATT_OPCODE.READ_BY_GROUP_TYPE_REQUEST,
  readByTypeRequest: ATT_OPCODE.READ_BY_TYPE_REQUEST,
  findInformationRequest: ATT_OPCODE.FIND_INFORMATION_REQUEST,
  readRequest: ATT_OPCODE.READ_REQUEST,
  readBlobRequest: ATT_OPCODE.READ_BLOB_REQUEST,
  writeRequest: ATT_OPCODE.WRITE_REQUEST,
};

export class AttServer {
  readonly #options: AttServerOptions;
  /** ATT_MTU of the connection: 23 until the exchange [GATT-10] [VGL-6]. */
  #mtu = ATT_MTU_MIN;
  #exchanged = false;

  constructor(options: AttServerOptions) {
    if (!Number.isInteger(options.maxMtu) || options.maxMtu < ATT_MTU_MIN || options.maxMtu > ATT_MTU_MAX) {
      throw new RangeError(`max MTU ${options.maxMtu} outside ${ATT_MTU_MIN}..${ATT_MTU_MAX}`);
    }
    this.#options = options;
  }

  get mtu(): number {
    return this.#mtu;
  }

  /** A new connection: MTU back to 23 [VGL-4]. */
  reset(): void {
    this.#mtu = ATT_MTU_MIN;
    this.#exchanged = false;
  }

  /** One PDU from the central; undefined when it is not a request this server answers. */
  handle(pdu: AttPdu): AttOutcome | undefined {
    switch (pdu.type) {
      case "exchangeMtuRequest":
        return { response: this.#exchangeMtu(pdu) };
      case "readByGroupTypeRequest":
        return { response: this.#readByGroupType(pdu) };
      case "readByTypeRequest":
        return { response: this.#readByType(pdu) };
      case "findInformationRequest":
        return { response: this.#findInformation(pdu) };
      case "readRequest":
        return { response: this.#read(pdu, pdu.handle, 0, "readRequest") };
      case "readBlobRequest":
        return { response: this.#read(pdu, pdu.handle, pdu.offset, "readBlobRequest") };
      case "writeRequest":
        return this.#writeRequest(pdu);
      case "writeCommand":
        return this.#writeCommand(pdu);
      default:
        return undefined;
    }
  }

  #exchangeMtu(pdu: AttPduOf<"exchangeMtuRequest">): AttPdu {
    // [VGL-6] the smaller of the two, clamped to 23..517. A repeated exchange is
    // answered but changes nothing: the MTU of a connection is set once.
    if (!this.#exchanged) {
      const client = Math.min(ATT_MTU_MAX, Math.max(ATT_MTU_MIN, pdu.clientRxMtu));
      this.#mtu = Math.min(client, this.#options.maxMtu);
      this.#exchanged = true;
    }
    return { type: "exchangeMtuResponse", serverRxMtu: this.#options.maxMtu };
  }

  #readByGroupType(pdu: AttPduOf<"readByGroupTypeRequest">): AttPdu {
    const bad = this.#checkRange(pdu, pdu.startHandle, pdu.endHandle);
    if (bad) return bad;
    const inRange = pdu.groupType === PRIMARY_SERVICE_UUID && pdu.startHandle <= HANDLE.service && HANDLE.service <= pdu.endHandle;
    if (!inRange) return error(pdu, pdu.startHandle, ATT_ERROR.ATTRIBUTE_NOT_FOUND);
    return { type: "readByGroupTypeResponse", entries: [{ handle: HANDLE.service, endGroupHandle: SERVICE_END, uuid: SERVICE_UUID }] };
  }

  #readByType(pdu: AttPduOf<"readByTypeRequest">): AttPdu {
    const bad = this.#checkRange(pdu, pdu.startHandle, pdu.endHandle);
    if (bad) return bad;
    // Discovery reads characteristic declarations only; the codec carries no other entry form.
    const found = pdu.attributeType === CHARACTERISTIC_UUID ? within(pdu.startHandle, pdu.endHandle).filter((a) => a.kind === "declaration") : [];
    const entries: CharacteristicEntry[] = [];
    for (const a of found) {
      if (2 + 21 * (entries.length + 1) > this.#mtu) break;
      const v = a.value!;
      entries.push({ declarationHandle: a.handle, properties: v[0]!, valueHandle: v[1]! | (v[2]! << 8), uuid: ATTRIBUTES.find((x) => x.handle === a.handle + 1)!.type });
    }
    if (entries.length === 0) return error(pdu, pdu.startHandle, ATT_ERROR.ATTRIBUTE_NOT_FOUND);
    return { type: "readByTypeResponse", entries };
  }

  #findInformation(pdu: AttPduOf<"findInformationRequest">): AttPdu {
    const bad = this.#checkRange(pdu, pdu.startHandle, pdu.endHandle);
    if (bad) return bad;
    const found = within(pdu.startHandle, pdu.endHandle);
    const first = found[0];
    if (!first) return error(pdu, pdu.startHandle, ATT_ERROR.ATTRIBUTE_NOT_FOUND);
    // One response holds UUIDs of one size: stop at the first of the other size.
    const size = first.type.length === 4 ? 2 : 16;
    const entries: DescriptorEntry[] = [];
    for (const a of found) {
      if ((a.type.length === 4 ? 2 : 16) !== size || 2 + (2 + size) * (entries.length + 1) > this.#mtu) break;
      entries.push({ handle: a.handle, uuid: a.type });
    }
    return { type: "findInformationResponse", entries };
  }

  #read(pdu: AttPduOf<"readRequest" | "readBlobRequest">, handle: number, offset: number, type: RequestType): AttPdu {
    const a = ATTRIBUTES.find((x) => x.handle === handle);
    if (!a) return error(pdu, handle, ATT_ERROR.INVALID_HANDLE);
    const value = this.#valueOf(a);
    if (value === undefined) return error(pdu, handle, ATT_ERROR.READ_NOT_PERMITTED);
    if (offset > value.length) return error(pdu, handle, ATT_ERROR.INVALID_OFFSET);
    // [VGL-8] at most MTU - 1 bytes; the rest by Read Blob (9.3).
    const part = value.slice(offset, offset + this.#mtu - 1);
    return type === "readRequest" ? { type: "readResponse", value: part } : { type: "readBlobResponse", value: part };
  }

  #valueOf(a: Attribute): Uint8Array | undefined {
    if (a.value) return a.value;
    if (a.kind === "info") return this.#options.info();
    if (a.kind === "cccd") {
      const v = this.#options.cccd(a.handle);
      return new Uint8Array([v & 0xff, v >> 8]);
    }
    return undefined;
  }

  #writeRequest(pdu: AttPduOf<"writeRequest">): AttOutcome {
    const a = ATTRIBUTES.find((x) => x.handle === pdu.handle);
    if (!a) return { response: error(pdu, pdu.handle, ATT_ERROR.INVALID_HANDLE) };
    // [GATT-9] ATT-level faults only: a value too long for the MTU.
    if (pdu.value.length > this.#mtu - 3) return { response: error(pdu, pdu.handle, ATT_ERROR.INVALID_ATTRIBUTE_VALUE_LENGTH) };
    const ok: AttPdu = { type: "writeResponse" };
    if (a.kind === "cccd") {
      if (pdu.value.length !== 2) return { response: error(pdu, pdu.handle, ATT_ERROR.INVALID_ATTRIBUTE_VALUE_LENGTH) };
      return { response: ok, written: { target: a.handle === HANDLE.controlCccd ? "controlCccd" : "uplinkCccd", value: pdu.value } };
    }
    // Downlink takes Write Commands only [GATT-7]; info, uplink and declarations are not writable.
    if (a.kind !== "control") return { response: error(pdu, pdu.handle, ATT_ERROR.WRITE_NOT_PERMITTED) };
    return { response: ok, written: { target: "control", value: pdu.value } };
  }

  #writeCommand(pdu: AttPduOf<"writeCommand">): AttOutcome {
    // A command that cannot be accepted is dropped: ATT commands get no response (10.3).
    if (pdu.handle !== HANDLE.downlink || pdu.value.length > this.#mtu - 3) return {};
    return { written: { target: "downlink", value: pdu.value } };
  }

  /** Core Vol 3 Part F 3.4.3: a start handle of 0, or above the end handle, is Invalid Handle. */
  #checkRange(pdu: AttPdu, start: number, end: number): AttPdu | undefined {
    return start === 0 || start > end ? error(pdu, start, ATT_ERROR.INVALID_HANDLE) : undefined;
  }
}

function within(start: number, end: number): Attribute[] {
  return ATTRIBUTES.filter((a) => a.handle >= start && a.handle <= end);
}

function error(pdu: AttPdu, handle: number, errorCode: number): AttPdu {
  return { type: "errorResponse", requestOpcode: OPCODE_OF[pdu.type as RequestType], handle, errorCode };
}
