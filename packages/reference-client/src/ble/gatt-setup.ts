/**
 * The central's setup of one connection, sans-IO: everything between
 * CONNECTED and the Hello, in the order of [DHS-2] and 10.4.
 *
 *   1. Exchange MTU (offer 517 by default) [GATT-11] [VGL-6]
 *   2. services: Read By Group Type 0x2800 from 0x0001, again from the last
 *      end group handle + 1, until Attribute Not Found
 *   3. characteristics: Read By Type 0x2803 over the Ferry service, again
 *      from the last declaration handle + 1, until Attribute Not Found
 *   4. CCCDs of control, then uplink: Find Information from the value
 *      handle + 1 to the handle before the next declaration
 *   5. Info: Read, then Read Blob while a response carries MTU - 1 bytes
 *      [GATT-6]; decoded and checked [DHS-2]
 *   6. subscriptions: control CCCD = 02 00, then uplink CCCD = 01 00 [GATT-4]
 *
 * One request at a time [VGL-7]: `start` gives the first, `handle` takes
 * its response and gives the next, until "done" or "failed".
 */
import { decodeDeviceInfo, isProtocolError, ProtocolError } from "@ferry/protocol";
import type { DeviceInfo } from "@ferry/protocol";
import { ATT_ERROR, ATT_MTU_MAX, ATT_MTU_MIN, CCCD_UUID, CHARACTERISTIC_UUID, PRIMARY_SERVICE_UUID } from "@ferry/protocol/vgl";
import type { AttPdu, CharacteristicEntry } from "@ferry/protocol/vgl";
import { CCCD_VALUE, FERRY_UUID, INFO_MAX_LENGTH, REQUIRED_PROPERTIES, type GattLayout } from "./gatt-layout.js";

export const DEFAULT_MTU_OFFER = ATT_MTU_MAX;
const LAST_HANDLE = 0xffff;

export interface SetupResult {
  mtu: number;
  layout: GattLayout;
  info: DeviceInfo;
  /** The Info value as read, for logs and checks. */
  infoValue: Uint8Array;
}

export type SetupStep =
  /** Send this request; `subscribes` names the direction whose CCCD it enables [FRAG-5]. */
  | { kind: "request"; pdu: AttPdu; subscribes?: { direction: "control" | "uplink"; valueHandle: number } }
  | { kind: "done"; result: SetupResult }
  /** Disconnect: the device is not a Ferry device this app can talk to, or its stack is broken. */
  | { kind: "failed"; reason: string; error?: ProtocolError };

type Phase = "mtu" | "services" | "characteristics" | "cccd-control" | "cccd-uplink" | "info" | "subscribe-control" | "subscribe-uplink" | "over";

export class GattSetup {
  readonly mtuOffer: number;
  #phase: Phase = "mtu";
  #mtu = ATT_MTU_MIN;
  #service: { start: number; end: number } | undefined;
  #chars: CharacteristicEntry[] = [];
  #layout: Partial<GattLayout> = {};
  /** The start handle of the discovery request in flight. */
  #from = 1;
  #info: Uint8Array[] = [];
  #infoLength = 0;
  #parsed: DeviceInfo | undefined;

  constructor(mtuOffer: number = DEFAULT_MTU_OFFER) {
    if (!Number.isInteger(mtuOffer) || mtuOffer < ATT_MTU_MIN || mtuOffer > ATT_MTU_MAX) {
      throw new ProtocolError("INVALID_FIELD", `MTU offer ${mtuOffer} outside ${ATT_MTU_MIN}..${ATT_MTU_MAX}`, "local");
    }
    this.mtuOffer = mtuOffer;
  }

  /** The MTU in force: 23 until the exchange completes [GATT-10]. */
  get mtu(): number {
    return this.#mtu;
  }

  start(): SetupStep {
    return { kind: "request", pdu: { type: "exchangeMtuRequest", clientRxMtu: this.mtuOffer } };
  }

  /** The response to the request in flight. */
  handle(pdu: AttPdu): SetupStep {
    switch (this.#phase) {
      case "mtu":
        // A stack that refuses the exchange leaves the MTU at 23 [GATT-10].
        if (pdu.type === "exchangeMtuResponse") this.#mtu = clampMtu(Math.min(this.mtuOffer, pdu.serverRxMtu));
        else if (pdu.type !== "errorResponse") return this.#unexpected(pdu);
        return this.#services(1);
      case "services":
        return this.#onServices(pdu);
      case "characteristics":
        return this.#onCharacteristics(pdu);
      case "cccd-control":
      case "cccd-uplink":
        return this.#onCccd(pdu);
      case "info":
        return this.#onInfo(pdu);
      case "subscribe-control":
      case "subscribe-uplink":
        return this.#onSubscribed(pdu);
      case "over":
        return this.#fail(`response ${pdu.type} after setup ended`);
    }
  }

  #services(from: number): SetupStep {
    this.#phase = "services";
    this.#from = from;
    return { kind: "request", pdu: { type: "readByGroupTypeRequest", startHandle: from, endHandle: LAST_HANDLE, groupType: PRIMARY_SERVICE_UUID } };
  }

  #onServices(pdu: AttPdu): SetupStep {
    if (isNotFound(pdu)) return this.#characteristics();
    if (pdu.type !== "readByGroupTypeResponse") return this.#unexpected(pdu);
    for (const e of pdu.entries) {
      // Other services may be there; the central ignores them (10.4).
      if (e.uuid === FERRY_UUID.service && !this.#service) this.#service = { start: e.handle, end: e.endGroupHandle };
    }
    const last = pdu.entries[pdu.entries.length - 1]!.endGroupHandle;
    if (last < this.#from) return this.#fail(`service discovery went back to 0x${hex(last)}`);
    return last >= LAST_HANDLE ? this.#characteristics() : this.#services(last + 1);
  }

  #characteristics(from?: number): SetupStep {
    const svc = this.#service;
    if (!svc) return this.#fail(`no primary service ${FERRY_UUID.service} [GATT-1]`);
    this.#phase = "characteristics";
    this.#from = from ?? svc.start;
    if (this.#from > svc.end) return this.#endCharacteristics();
    return { kind: "request", pdu: { type: "readByTypeRequest", startHandle: this.#from, endHandle: svc.end, attributeType: CHARACTERISTIC_UUID } };
  }

  #onCharacteristics(pdu: AttPdu): SetupStep {
    if (isNotFound(pdu)) return this.#endCharacteristics();
    if (pdu.type !== "readByTypeResponse") return this.#unexpected(pdu);
    this.#chars.push(...pdu.entries);
    const last = pdu.entries[pdu.entries.length - 1]!.declarationHandle;
    if (last < this.#from) return this.#fail(`characteristic discovery went back to 0x${hex(last)}`);
    return this.#characteristics(last + 1);
  }

  #endCharacteristics(): SetupStep {
    for (const name of ["info", "control", "uplink", "downlink"] as const) {
      const c = this.#chars.find((x) => x.uuid === FERRY_UUID[name]);
      if (!c) return this.#fail(`the Ferry service has no ${name} characteristic [GATT-1]`);
      const need = REQUIRED_PROPERTIES[name];
      if ((c.properties & need) !== need) return this.#fail(`${name} has properties 0x${hex(c.properties)}, needs 0x${hex(need)} [GATT-1]`);
      this.#layout[name] = c.valueHandle;
    }
    this.#layout.service = this.#service!;
    return this.#findCccd("control", this.#layout.control! + 1);
  }

  #findCccd(of: "control" | "uplink", from: number): SetupStep {
    this.#phase = of === "control" ? "cccd-control" : "cccd-uplink";
    this.#from = from;
    const end = this.#cccdEnd(of);
    if (from > end) return this.#fail(`${of} has no CCCD [GATT-1]`);
    return { kind: "request", pdu: { type: "findInformationRequest", startHandle: from, endHandle: end } };
  }

  /** The handle before the next characteristic declaration, or the service's end. */
  #cccdEnd(of: "control" | "uplink"): number {
    const decl = this.#chars.find((c) => c.uuid === FERRY_UUID[of])!.declarationHandle;
    const next = this.#chars.map((c) => c.declarationHandle).filter((h) => h > decl);
    return next.length === 0 ? this.#service!.end : Math.min(...next) - 1;
  }

  #onCccd(pdu: AttPdu): SetupStep {
    const of = this.#phase === "cccd-control" ? "control" : "uplink";
    if (isNotFound(pdu)) return this.#fail(`${of} has no CCCD [GATT-1]`);
    if (pdu.type !== "findInformationResponse") return this.#unexpected(pdu);
    const cccd = pdu.entries.find((e) => e.uuid === CCCD_UUID);
    if (!cccd) {
      const last = pdu.entries[pdu.entries.length - 1]!.handle;
      return last < this.#from ? this.#fail(`descriptor discovery went back to 0x${hex(last)}`) : this.#findCccd(of, last + 1);
    }
    if (of === "control") {
      this.#layout.controlCccd = cccd.handle;
      return this.#findCccd("uplink", this.#layout.uplink! + 1);
    }
    this.#layout.uplinkCccd = cccd.handle;
    this.#phase = "info";
    return { kind: "request", pdu: { type: "readRequest", handle: this.#layout.info! } };
  }

  #onInfo(pdu: AttPdu): SetupStep {
    // Invalid Offset answers a Read Blob at exactly the value's end from a strict stack: the value is complete.
    const ended = pdu.type === "errorResponse" && pdu.errorCode === ATT_ERROR.INVALID_OFFSET && this.#infoLength > 0;
    if (!ended) {
      if (pdu.type !== "readResponse" && pdu.type !== "readBlobResponse") return this.#unexpected(pdu);
      this.#info.push(pdu.value);
      this.#infoLength += pdu.value.length;
      if (this.#infoLength > INFO_MAX_LENGTH) return this.#fail(`Info value longer than ${INFO_MAX_LENGTH} bytes [GATT-6]`);
      // A full response means more may follow (9.3).
      if (pdu.value.length === this.#mtu - 1) {
        return { kind: "request", pdu: { type: "readBlobRequest", handle: this.#layout.info!, offset: this.#infoLength } };
      }
    }
    const value = concat(this.#info, this.#infoLength);
    let info: DeviceInfo;
    try {
      info = decodeDeviceInfo(value);
    } catch (e) {
      if (!isProtocolError(e)) throw e;
      return this.#fail(`Info does not decode: ${e.message}`, e);
    }
    // [DHS-2] the codec refuses these too; the check stays here, where the rule is.
    if (info.epoch === 0 || info.deviceId.length < 1 || info.deviceId.length > 16) {
      return this.#fail("Info with epoch 0 or a device id not of 1 to 16 bytes", new ProtocolError("INVALID_FIELD", "DeviceInfo refused [DHS-2]"));
    }
    this.#info = [value];
    this.#parsed = info;
    this.#phase = "subscribe-control";
    return { kind: "request", pdu: { type: "writeRequest", handle: this.#layout.controlCccd!, value: CCCD_VALUE.indications }, subscribes: { direction: "control", valueHandle: this.#layout.control! } };
  }

  #onSubscribed(pdu: AttPdu): SetupStep {
    if (pdu.type !== "writeResponse") return this.#unexpected(pdu);
    if (this.#phase === "subscribe-control") {
      this.#phase = "subscribe-uplink";
      return { kind: "request", pdu: { type: "writeRequest", handle: this.#layout.uplinkCccd!, value: CCCD_VALUE.notifications }, subscribes: { direction: "uplink", valueHandle: this.#layout.uplink! } };
    }
    this.#phase = "over";
    return { kind: "done", result: { mtu: this.#mtu, layout: this.#layout as GattLayout, info: this.#parsed!, infoValue: this.#info[0]! } };
  }

  #unexpected(pdu: AttPdu): SetupStep {
    const what = pdu.type === "errorResponse" ? `ATT error 0x${hex(pdu.errorCode)} on handle 0x${hex(pdu.handle)}` : pdu.type;
    return this.#fail(`${what} during ${this.#phase}`);
  }

  #fail(reason: string, error?: ProtocolError): SetupStep {
    this.#phase = "over";
    return { kind: "failed", reason, ...(error && { error }) };
  }
}

/** [VGL-6] below 23 counts as 23, above 517 as 517. */
export function clampMtu(mtu: number): number {
  return Math.min(ATT_MTU_MAX, Math.max(ATT_MTU_MIN, mtu));
}

function isNotFound(pdu: AttPdu): boolean {
  return pdu.type === "errorResponse" && pdu.errorCode === ATT_ERROR.ATTRIBUTE_NOT_FOUND;
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const hex = (n: number) => n.toString(16).padStart(4, "0");
