/**
 * The HTTP side of the server: the batch binding (chapter 12) on
 * `POST /v1/batch`, the health endpoint [HTTP-15], and the vendor
 * application's API (admin.ts). Statuses and Error bodies follow the error
 * table [HTTP-10] [ERR-4]; the answer's media type follows the request and
 * its Accept header [HTTP-8].
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ackToJson, batchFromJson, decodeBatch, encodeAck, errorInfo, isProtocolError, ProtocolError, VERSION, type Ack, type Batch } from "@ferry/protocol";
import { bearerToken } from "../auth.js";
import type { AuthThrottle } from "../auth-throttle.js";
import type { Logger } from "../log.js";
import { processBatch, type BatchContext } from "../session/batch.js";
import { detailOf, errorMessage, StreamError } from "../session/errors.js";
import { errorBody } from "./error-body.js";
import { answerMediaType, MEDIA_TYPE, readBody, requestMediaType, type FerryMediaType } from "./http-body.js";

export const BATCH_PATH = "/v1/batch";
export const HEALTH_PATH = "/v1/health";

export interface BatchBindingOptions {
  context: Omit<BatchContext, "throttle">;
  throttle: AuthThrottle;
  log: Logger;
  /** False while the server shuts down: batches get 503, health says unavailable. */
  available(): boolean;
}

/** [HTTP-15] no authentication, no device data. */
export function handleHealth(req: IncomingMessage, res: ServerResponse, available: boolean): void {
  if (req.method !== "GET" && req.method !== "HEAD") return sendJson(res, 405, { error: "use GET" }, { Allow: "GET, HEAD" });
  sendJson(res, available ? 200 : 503, { status: available ? "ok" : "unavailable", protocol: VERSION.protocol });
}

export async function handleBatch(req: IncomingMessage, res: ServerResponse, o: BatchBindingOptions): Promise<void> {
  const requestType = requestMediaType(req.headers["content-type"]);
  const answerType = answerMediaType(requestType, req.headers.accept);
  const address = req.socket.remoteAddress ?? "unknown";
  const refuse = (status: number, e: ProtocolError, headers: Record<string, string> = {}) => {
    const stream = e instanceof StreamError ? e.stream : undefined;
    const body = errorBody(errorMessage(e.errorName, detailOf(e), stream), answerType);
    send(res, status, MEDIA_TYPE[answerType], body, headers);
  };

  // [HTTP-11] POST only; then one of the two Ferry media types.
  if (req.method !== "POST") return refuse(405, new ProtocolError("MALFORMED", "the batch URL takes POST only [HTTP-11]"), { Allow: "POST" });
  if (!requestType) return refuse(415, new ProtocolError("MALFORMED", `content type must be ${MEDIA_TYPE.protobuf} or ${MEDIA_TYPE.json} [HTTP-2]`));
  if (!o.available()) return refuse(503, new ProtocolError("UNAVAILABLE", "the server is shutting down"), { "Retry-After": "1" });
  if (o.throttle.blocked(address)) {
    o.log.debug("batch from a throttled address", { address });
    return refuse(429, new ProtocolError("RATE_LIMITED", "too many failed credentials from this address"), { "Retry-After": String(o.throttle.retryAfterS()) });
  }

  // [HTTP-14] [SEC-13] nothing past max_message is read or kept.
  const body = await readBody(req, o.context.maxMessage);
  if (body.kind === "aborted") return;
  if (body.kind === "too-large") {
    o.log.warn("batch body over max_message refused", { address, maxMessage: o.context.maxMessage });
    return refuse(413, new ProtocolError("MESSAGE_TOO_LARGE", `body larger than max_message ${o.context.maxMessage} [HTTP-14]`), { Connection: "close" });
  }

  let ack: Ack;
  try {
    const batch = decode(body.bytes, requestType);
    ack = await processBatch(batch, { ...o.context, throttle: o.throttle.for(address) }, bearerToken(req.headers.authorization));
  } catch (e) {
    const error = isProtocolError(e) ? e : new ProtocolError("INTERNAL", "the server failed; retry later", "local");
    if (!isProtocolError(e)) o.log.error("batch failed", { address, error: String((e as Error)?.message ?? e) });
    else if (error.fault === "remote") o.log.warn(`batch refused ${error.errorName}`, { address, detail: detailOf(error) });
    const status = errorInfo(error.code)?.httpStatus ?? 400;
    const retry: Record<string, string> = status === 429 || status === 503 || status === 507 ? { "Retry-After": "1" } : {};
    return refuse(status, error, retry);
  }
  // [HTTP-5] [HTTP-8] 200 with one Ack.
  const out = answerType === "json" ? Buffer.from(JSON.stringify(ackToJson(ack))) : encodeAck(ack);
  send(res, 200, MEDIA_TYPE[answerType], out);
}

/** [HTTP-2] [HTTP-16] a Batch in either form; a batch without Hello is UNEXPECTED_MESSAGE (chapter 12.1). */
function decode(bytes: Uint8Array, type: FerryMediaType): Batch {
  try {
    if (type === "protobuf") return decodeBatch(bytes);
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch {
      throw new ProtocolError("MALFORMED", "body is not JSON [HTTP-2]");
    }
    return batchFromJson(value);
  } catch (e) {
    // The codec calls a missing hello a field fault; the binding's rule names it a session one.
    if (isProtocolError(e, "INVALID_FIELD") && /without hello/.test(e.message)) throw new ProtocolError("UNEXPECTED_MESSAGE", "batch without hello");
    throw e;
  }
}


export function send(res: ServerResponse, status: number, type: string, body: Uint8Array, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": type, "Content-Length": body.length, "Cache-Control": "no-store", ...headers });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, "application/json", Buffer.from(JSON.stringify(value)), headers);
}
