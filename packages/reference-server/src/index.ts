/**
 * @ferry/reference-server: the backend role of Ferry. Issue #3 builds the
 * server itself (WebSocket and HTTP batch bindings on SQLite); until then the
 * package exposes the binding constants it will serve with.
 */
import { VERSION } from "@ferry/protocol";

/** The WebSocket subprotocol, carrying the major version [WS-1]. */
export const WEBSOCKET_SUBPROTOCOL: string = VERSION.websocketSubprotocol;

/** Path of the HTTP batch endpoint under the server's base URL [HTTP-2]. */
export const HTTP_BATCH_PATH = "/v1/batch";
