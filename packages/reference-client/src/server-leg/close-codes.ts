/**
 * WebSocket close codes and Error messages as ProtocolErrors, from the one
 * error table (spec/errors.json, 11.3). The fault follows the table: an
 * error whose fault is "sender" names what this client sent, so it is local;
 * receiver, link and none are on the server's side, so remote. The table's
 * action (close, retry-later, ...) rides along in `error.info.action`.
 */
import { ERROR_TABLE, ErrorCode, errorInfo, ProtocolError, type ErrorInfo, type ErrorMessage } from "@ferry/protocol";
import type { RetryAction } from "./backoff.js";

export const CLOSE_NORMAL = 1000;
export const CLOSE_GOING_AWAY = 1001;

/** The ProtocolError for an Error message from the server (an unknown code reads INTERNAL: retry later). */
export function peerError(e: ErrorMessage): ProtocolError {
  const info = errorInfo(e.code);
  if (!info) return new ProtocolError("INTERNAL", `server sent unknown error code ${e.code}: ${e.detail}`, "remote");
  return new ProtocolError(info.name, e.detail, info.fault === "sender" ? "local" : "remote");
}

/** Whether an error ends the connection: it has a WebSocket close code [WS-6] [WS-7]. */
export function closesConnection(code: number): boolean {
  return errorInfo(code)?.websocketClose !== undefined;
}

const byClose = new Map<number, ErrorInfo>();
for (const { code } of ERROR_TABLE) {
  const info = errorInfo(code);
  if (info?.websocketClose !== undefined) byClose.set(info.websocketClose, info);
}

/**
 * The error a close code stands for, or undefined for the codes that are no
 * error (1000 normal, 1001 going away) and for a connection that ended
 * without a close frame (1005, 1006: lost, retried under backoff).
 */
export function closeError(code: number, reason: string): ProtocolError | undefined {
  const entry = byClose.get(code);
  if (!entry) {
    if (code >= 4000 && code <= 4099) return new ProtocolError("INTERNAL", `close ${code} names no known error: ${reason}`, "remote");
    return undefined;
  }
  return new ProtocolError(entry.name, reason || `close ${code}`, entry.fault === "sender" ? "local" : "remote");
}

/** The close code an error asks for [WS-6]; 1011 for an error without one (never sent for those). */
export function closeCodeOf(error: ProtocolError): number {
  return error.info.websocketClose ?? 1011;
}

const LONGEST = new Set<number>([ErrorCode.VERSION_UNSUPPORTED, ErrorCode.AUTH_FAILED, ErrorCode.DEVICE_NOT_ALLOWED, ErrorCode.SEQUENCE_REGRESSION]);

/**
 * What follows a connection's end (11.3): an error wins over the close code
 * that came with it, since the Error says why [WS-6].
 */
export function retryActionOf(closeCode: number, error?: ProtocolError): RetryAction {
  if (error && LONGEST.has(error.code)) return "longest";
  if (!error && closeCode === CLOSE_GOING_AWAY) return "resume-soon";
  return "backoff";
}
