/**
 * A device's signing key for the signature tests: the RFC 8032 section 7.1
 * test 1 key pair (never use it in a product), and helpers that sign runs
 * the way a device does [SEC-8].
 */
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { eventSignedBytes, signEvent, type EventRun, type SignedEventId } from "@ferry/protocol";
import { DeviceKeys } from "../../src/device-keys.js";
import { DEVICE } from "../support/session-harness.js";

export const DEVICE_PUBLIC_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const SECRET = Buffer.from("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "hex");
const devicePrivate = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), SECRET]), format: "der", type: "pkcs8" });
/** A key the server never registered: an app signing on its own behalf. */
const strangerPrivate = generateKeyPairSync("ed25519").privateKey;

/** The registry a vendor would load: DEVICE's key only. */
export const registered = (): DeviceKeys => new DeviceKeys([[DEVICE, DEVICE_PUBLIC_KEY]]);

export interface SignOptions {
  /** Sign as this device (default: the run's own, DEVICE). */
  deviceId?: Uint8Array;
  /** Sign over this epoch instead of the run's; 0 is the BLE leg's shorthand, which a device must not sign [SEC-8]. */
  epoch?: number;
  /** Sign with a key nobody registered. */
  stranger?: boolean;
}

/** The run with one signature per event, as the device makes them [SEC-8]. */
export function signed(run: EventRun, o: SignOptions = {}): EventRun {
  const key = o.stranger ? strangerPrivate : devicePrivate;
  const signatures = run.payloads.map((p, i) =>
    signAs(key, { deviceId: o.deviceId ?? DEVICE, epoch: o.epoch ?? run.epoch, stream: run.stream, seq: run.firstSeq + BigInt(i) }, p),
  );
  return { ...run, signatures };
}

// eventSignedBytes refuses epoch 0, so a device that wrongly signs it is imitated by zeroing the field.
function signAs(key: KeyObject, id: SignedEventId, payload: Uint8Array): Uint8Array {
  if (id.epoch !== 0) return signEvent(key, id, payload);
  const bytes = eventSignedBytes({ ...id, epoch: 1 }, payload);
  bytes.fill(0, 15 + id.deviceId.length, 19 + id.deviceId.length);
  return new Uint8Array(sign(null, bytes, key));
}

/** The run with the payload at `index` replaced after signing: an app forging an event. */
export function forged(run: EventRun, index: number, payload = "forged"): EventRun {
  const payloads = run.payloads.map((p, i) => (i === index ? new TextEncoder().encode(payload) : p));
  return { ...run, payloads };
}
