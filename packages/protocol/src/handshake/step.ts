/**
 * What a handshake machine returns for each input. A driver sends `send` in
 * order, then acts on `kind`: "established" hands the outcome to the stream
 * machines, "failed" closes the connection (after sending the Error, if any),
 * "session" passes the message on to the session layer, "ignored" drops it
 * (the machine already failed and the driver is closing).
 */
import { ErrorCode, errorInfo, ProtocolError, type ErrorName } from "../errors.js";
import type { ErrorMessage, Message, StreamRef, Window } from "../message.js";

/**
 * Default handshake timeouts, per machine (spec 0.7: [HS-15] [DHS-10]). The
 * server leg allows a slow cellular round trip plus TLS; the app's GATT wait
 * is one local control-point exchange; a device waits longer for a Hello,
 * since the app reads Info and enables CCCDs first (and may pair).
 */
export const HANDSHAKE_TIMEOUT_MS = {
  /** Server waits for the Hello. */
  server: 10_000,
  /** App waits for the Welcome over WebSocket. */
  client: 10_000,
  /** App waits for the Welcome indication. */
  central: 5_000,
  /** Device waits for the Hello on control. */
  peripheral: 30_000,
} as const;

/**
 * Default grants per direction (spec 0.7, [FLOW-2]); a Hello or Welcome
 * without a window grants its direction's default, as max_message 0 means
 * the binding's default [ENV-8].
 */
export const DEFAULT_WINDOW = {
  appGrantsDevice: Object.freeze({ events: 128, bytes: 32_768 }),
  deviceGrantsApp: Object.freeze({ events: 1, bytes: 4_096 }),
  serverGrantsApp: Object.freeze({ events: 1_024, bytes: 1_048_576 }),
  appGrantsServer: Object.freeze({ events: 64, bytes: 262_144 }),
} as const satisfies Record<string, Window>;

export interface Established<O> {
  kind: "established";
  outcome: O;
  send: Message[];
}

export interface Failed {
  kind: "failed";
  error: ProtocolError;
  /** detected: this side found the fault and `send` holds its Error; received: the peer sent an Error; timeout: no answer in time. */
  origin: "detected" | "received" | "timeout";
  send: Message[];
  /** The Error as the peer sent it (its code may be one this version does not know). */
  peerError?: ErrorMessage;
}

export interface HandOn {
  kind: "session";
  message: Message;
}

export interface Ignored {
  kind: "ignored";
}

export const IGNORED: Ignored = Object.freeze({ kind: "ignored" });

export function handOn(message: Message): HandOn {
  return { kind: "session", message };
}

/** This side refuses: an Error to send, then close. */
export function refuse(name: ErrorName, detail: string, stream?: StreamRef, fault: "local" | "remote" = "remote"): Failed {
  const error = new ProtocolError(name, detail, fault);
  const body: ErrorMessage = { code: ErrorCode[name], detail, ...(stream ? { stream } : {}) };
  return { kind: "failed", error, origin: "detected", send: [{ type: "error", error: body }] };
}

/**
 * The peer sent an Error before the handshake completed. Whose fault it is
 * follows the table: "sender" means the message we sent, so local; anything
 * else (receiver, link, none) is on the peer's side. An unknown code (a peer
 * of a higher minor) reads as INTERNAL: retry later.
 */
export function fromPeer(peerError: ErrorMessage): Failed {
  const info = errorInfo(peerError.code);
  const error = info
    ? new ProtocolError(info.name, peerError.detail, info.fault === "sender" ? "local" : "remote")
    : new ProtocolError("INTERNAL", `peer sent unknown error code ${peerError.code}: ${peerError.detail}`, "remote");
  return { kind: "failed", error, origin: "received", send: [], peerError };
}

/**
 * No error code names a handshake timeout: nothing is sent (the peer is not
 * answering) and the failure reads UNAVAILABLE on the peer's side, so the
 * driver closes and (as an app) retries after backoff.
 */
export function timedOut(detail: string): Failed {
  return { kind: "failed", error: new ProtocolError("UNAVAILABLE", detail, "remote"), origin: "timeout", send: [] };
}
