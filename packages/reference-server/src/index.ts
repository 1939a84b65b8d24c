/**
 * @ferry/reference-server: the backend role of Ferry. The WebSocket and HTTP
 * batch bindings on a durable SQLite store, the vendor application's pull
 * and command API, and the `ferry-server` command (README.md).
 */
import { VERSION } from "@ferry/protocol";

/** The WebSocket subprotocol, carrying the major version [WS-3]. */
export const WEBSOCKET_SUBPROTOCOL: string = VERSION.websocketSubprotocol;

/** Path of the HTTP batch endpoint under the server's base URL [HTTP-1]. */
export const HTTP_BATCH_PATH = "/v1/batch";

export { FerryServer } from "./server.js";
export {
  DEFAULTS,
  DEFAULT_MAX_MESSAGE,
  WEBHOOK_DEFAULTS,
  resolveOptions,
  webhookCursorFileFor,
  type ServerOptions,
  type ServerOptionsInput,
  type FloodLimit,
  type AuthThrottleLimit,
  type WebhookOptions,
  type TlsOptions,
} from "./config.js";
export { Credentials, type DeviceSet } from "./auth.js";
export { createLogger, silentLogger, type Logger, type LogLevel } from "./log.js";
export { loadOrCreateKey, keyFileFor, parseKeyHex } from "./resume-keys.js";
export { main as runCli, parseCommandLine, HELP, OPTIONS as CLI_OPTIONS } from "./cli.js";
export { WEBSOCKET_PATH } from "./bindings/websocket.js";
export { BATCH_PATH, HEALTH_PATH } from "./bindings/http.js";
export { encodeErrorBody, errorBodyJson } from "./bindings/error-body.js";
export { ServerSession, SERVER_FEATURES } from "./session/session.js";
export { serverFeatures } from "./session/features.js";
export { RetransmissionTimer, WEBSOCKET_RETRANSMISSION, type RetransmissionPolicy, type Expiry } from "./session/retransmission-timer.js";
export { SessionRegistry } from "./session/registry.js";
export { directCommitter, type Committer } from "./session/committer.js";
export type { SessionContext, Transport, Clock } from "./session/context.js";
export type { Store, IngestRequest, IngestOutcome, Delivery, StoredCommand } from "./store/store.js";
// Webhook delivery [LIFE-12]. Its Clock (nowMs, sleep) is not the sessions' Clock above: exported as WebhookClock.
export * from "./webhook/index.js";
export type { Clock as WebhookClock } from "./webhook/index.js";
export { DeviceKeys } from "./device-keys.js";
