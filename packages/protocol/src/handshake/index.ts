/** Handshake and resume state machines of both legs, sans-IO [HS-1]..[HS-9] [DHS-1]..[DHS-4]. */
export * from "./transitions.js";
export * from "./version.js";
export * from "./resume-token.js";
export { DEFAULT_WINDOW, HANDSHAKE_TIMEOUT_MS, type Established, type Failed, type HandOn, type Ignored } from "./step.js";
export * from "./client-handshake.js";
export * from "./server-handshake.js";
export * from "./central-handshake.js";
export * from "./peripheral-handshake.js";
