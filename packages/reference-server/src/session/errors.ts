/**
 * Turning failures into what the peer sees [ERR-1] [ERR-4]: an Error message
 * with the table's code, and whether the session ends. Store and programming
 * failures become INTERNAL (retry later), never a blame on the peer.
 */
import { ErrorCode, errorInfo, isProtocolError, ProtocolError, type ErrorMessage, type ErrorName, type StreamRef } from "@ferry/protocol";

export function errorMessage(name: ErrorName, detail: string, stream?: StreamRef): ErrorMessage {
  return { code: ErrorCode[name], detail, ...(stream ? { stream } : {}) };
}

/** Whether the error table's action ends the connection [WS-6] [WS-7]. */
export function isFatal(name: ErrorName): boolean {
  return errorInfo(ErrorCode[name])?.websocketClose !== undefined;
}

/** A store failure as the error the peer is told: STORAGE_FULL when the engine says so, INTERNAL otherwise. */
export function storeFailure(e: unknown): ProtocolError {
  if (isProtocolError(e)) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (code === "SQLITE_FULL") return new ProtocolError("STORAGE_FULL", "the store is full", "local");
  return new ProtocolError("INTERNAL", "the store failed; retry later", "local");
}

/** A ProtocolError's message without the "NAME: " prefix: the code travels separately [ERR-3]. */
export function detailOf(e: ProtocolError): string {
  const prefix = `${e.errorName}: `;
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}

/** A refusal that names the stream, epoch and sequence number concerned [ERR-1]. */
export class StreamError extends ProtocolError {
  readonly stream: StreamRef;

  constructor(name: ErrorName, detail: string, stream: StreamRef) {
    super(name, detail);
    this.stream = stream;
  }
}
