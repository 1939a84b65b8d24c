/**
 * Webhook delivery of the delivery log as CloudEvents [LIFE-12]: see
 * docs/webhooks.md for the receiver's side.
 */
export { WebhookDispatcher, type DeliverySource, type WebhookDispatcherOptions, type WebhookStatus } from "./dispatcher.js";
export { type CursorStore, FileCursorStore, MemoryCursorStore } from "./cursor-store.js";
export { type Clock, systemClock } from "./clock.js";
export { type BackoffPolicy, DEFAULT_BACKOFF, backoffCeilingMs, backoffDelayMs } from "./backoff.js";
export { SIGNATURE_HEADER, DEFAULT_SIGNATURE_TOLERANCE_S, signWebhook, verifyWebhookSignature } from "./signature.js";
export {
  EVENT_TYPE,
  ACCOUNTED_TYPE,
  type FerryCloudEvent,
  type FerryEventCloudEvent,
  type FerryAccountedCloudEvent,
  cloudEventId,
  toCloudEvent,
} from "./cloudevent.js";
export { STRUCTURED_CONTENT_TYPE, BATCH_CONTENT_TYPE, IDEMPOTENCY_KEY_HEADER, ATTEMPT_HEADER } from "./request.js";
export { type WebhookTransport, type WebhookRequest, type WebhookResponse, fetchTransport } from "./transport.js";
