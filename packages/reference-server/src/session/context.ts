/**
 * What a session needs from the server around it: policies, store, clock
 * and randomness are passed in, so unit tests drive a session with a fake
 * store and a fake transport, and a virtual clock.
 */
import type { ErrorName, ResumeTokens, Window } from "@ferry/protocol";
import type { Credentials } from "../auth.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/store.js";
import type { Committer } from "./committer.js";
import type { SessionRegistry } from "./registry.js";
import type { RetransmissionPolicy } from "./retransmission-timer.js";
import type { KeyRegistry } from "./signature-check.js";

export interface Clock {
  /** Wall clock, ms since the Unix epoch: stored arrival times, command and token expiry. */
  now(): number;
  /** Monotonic ms: connection timers. */
  mono(): number;
}

/** Per remote address: repeated AUTH_FAILED slows the source down (chapter 15.4). */
export interface SourceThrottle {
  blocked(): boolean;
  failed(): void;
}

export interface SessionContext {
  credentials: Pick<Credentials, "authenticate">;
  tokens: ResumeTokens;
  store: Pick<Store, "custody" | "pendingCommands" | "settleCommands">;
  committer: Committer;
  registry: SessionRegistry;
  clock: Clock;
  randomBytes(n: number): Uint8Array;
  log: Logger;
  throttle: SourceThrottle;
  /** The window granted to each session for events [FLOW-2]. */
  window: Window;
  /** The server's max_message [ENV-8]. */
  maxMessage: number;
  helloTimeoutMs: number;
  /** Device keys registered out of band [SEC-9]; absent, no signature is verified. */
  deviceKeys?: KeyRegistry | undefined;
  /** The retransmission timer of commands in flight [ACK-18] [CMD-14]; default WebSocket's. */
  commandRetransmission?: RetransmissionPolicy | undefined;
}

/** How a session talks to its connection; the binding maps reasons to close codes. */
export interface Transport {
  send(message: import("@ferry/protocol").Message): void;
  /** An error name: its close code from the error table [WS-6]; "normal": 1000; "going-away": 1001. */
  close(reason: ErrorName | "normal" | "going-away", detail: string): void;
}
