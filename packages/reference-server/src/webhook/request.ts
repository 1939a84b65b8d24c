/**
 * Turns the next entries of the delivery log into one webhook request body.
 * The dispatcher forms it again before every attempt, at that attempt's
 * time: the body is the same bytes on every retry unless an event's deadline
 * passed meanwhile, in which case it goes as an EXPIRED accounting under the
 * same id [PRIO-6]. The signature (its timestamp) and the attempt header
 * change on every attempt.
 */
import type { Delivery } from "../store/store.js";
import { type FerryCloudEvent, toCloudEvent } from "./cloudevent.js";
import { SIGNATURE_HEADER, signWebhook } from "./signature.js";

export const STRUCTURED_CONTENT_TYPE = "application/cloudevents+json; charset=utf-8";
export const BATCH_CONTENT_TYPE = "application/cloudevents-batch+json; charset=utf-8";
export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
export const ATTEMPT_HEADER = "Ferry-Delivery-Attempt";

/**
 * "structured": one CloudEvent per request, with its id as Idempotency-Key.
 * "batch": a JSON array of up to `batchSize` CloudEvents per request; each
 * event's id is its idempotency key (no header: a batch re-formed after a
 * restart may group events differently).
 */
export type DeliveryMode = { kind: "structured" } | { kind: "batch"; batchSize: number; maxBatchBytes: number };

export interface FormedRequest {
  body: string;
  contentType: string;
  events: FerryCloudEvent[];
  /** Log position of the last entry carried: the cursor once delivered. */
  lastPosition: bigint;
  /** How many log entries the request carries (from the front of the queue). */
  count: number;
}

/** Forms the request for the front of `entries` (non-empty) at `nowMs`. */
export function formRequest(entries: readonly Delivery[], mode: DeliveryMode, nowMs: number): FormedRequest {
  const head = entries[0];
  if (head === undefined) throw new Error("formRequest needs at least one delivery");
  if (mode.kind === "structured") {
    const event = toCloudEvent(head, nowMs);
    return { body: JSON.stringify(event), contentType: STRUCTURED_CONTENT_TYPE, events: [event], lastPosition: head.position, count: 1 };
  }
  const events: FerryCloudEvent[] = [];
  const parts: string[] = [];
  let bytes = 2;
  let lastPosition = head.position;
  for (const entry of entries) {
    if (events.length >= mode.batchSize) break;
    const event = toCloudEvent(entry, nowMs);
    const json = JSON.stringify(event);
    const size = Buffer.byteLength(json) + 1;
    // The first event always goes, so one large event cannot stall the log.
    if (events.length > 0 && bytes + size > mode.maxBatchBytes) break;
    events.push(event);
    parts.push(json);
    bytes += size;
    lastPosition = entry.position;
  }
  return { body: `[${parts.join(",")}]`, contentType: BATCH_CONTENT_TYPE, events, lastPosition, count: events.length };
}

/** The headers of one attempt, signed at `tS` (unix seconds). */
export function requestHeaders(req: FormedRequest, secrets: readonly string[], tS: number, attempt: number): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Type": req.contentType,
    "User-Agent": "ferry-reference-server",
    [SIGNATURE_HEADER]: signWebhook(secrets, req.body, tS),
    [ATTEMPT_HEADER]: `${attempt}`,
  };
  const only = req.events.length === 1 && req.contentType === STRUCTURED_CONTENT_TYPE ? req.events[0] : undefined;
  if (only) headers[IDEMPOTENCY_KEY_HEADER] = only.id;
  return headers;
}
