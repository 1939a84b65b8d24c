/** The app's server leg: WebSocket with the 1-round-trip resume, HTTP batch, backoff [HS-1] [WS-1] [HTTP-1]. */
export * from "./source.js";
export * from "./coverage.js";
export * from "./backoff.js";
export * from "./close-codes.js";
export { InFlight, toRanges, type AckEffect, type Requeue } from "./in-flight.js";
export * from "./session.js";
export * from "./websocket-leg.js";
export * from "./server-leg.js";
export * from "./http-batch-leg.js";
export * from "./memory-outbox.js";
