/**
 * The server's side of the handshake [HS-1]..[HS-9].
 *
 * The first message must be a Hello. Checks run in the order of [HS-13]:
 * version (VERSION_UNSUPPORTED), field rules (INVALID_FIELD), credential (AUTH_FAILED),
 * device (DEVICE_NOT_ALLOWED); each refusal sends an Error and closes. Then
 * the resume token decides resumed or fresh; a refused token is never fatal,
 * so the state is "established" right after the Hello and the first-flight
 * events that follow are accepted in every non-fatal outcome.
 *
 * Policies are injected (authentication, token authority, custody lookup,
 * randomness) and synchronous; a driver whose store is asynchronous looks
 * up what it needs before feeding the Hello. Time comes in as the server's
 * monotonic ms (`openedAt`, `handleTimeout`) and, with each message, as Unix
 * seconds (`unixS`) for token expiry: tokens outlive the process, and a
 * monotonic clock restarts with it [SEC-5].
 */
import { ErrorCode, ProtocolError } from "../errors.js";
import type { Hello, Message, MessageType, StreamAck, StreamKey, Window } from "../message.js";
import type { ResumeTokens } from "./resume-token.js";
import { SESSION_ID_BYTES } from "./resume-token.js";
import { type Established, type Failed, type HandOn, type Ignored, HANDSHAKE_TIMEOUT_MS, IGNORED, DEFAULT_WINDOW } from "./step.js";
import { handOn, refuse, timedOut } from "./step.js";
import { type ServerInput, type ServerState, SERVER_TABLE, advance } from "./transitions.js";
import { chooseMajor, commonFeatures, minorFor } from "./version.js";

export type Authentication = "ok" | "auth-failed" | "device-not-allowed";

export interface ServerPolicies {
  /** [SEC-1] Checks the credential and that it covers the device. */
  authenticate(credential: Uint8Array, deviceId: Uint8Array): Authentication;
  tokens: ResumeTokens;
  /** [HS-4] The server's custody of each pending stream of the device, one StreamAck each. */
  custodyOf(deviceId: Uint8Array, pending: StreamKey[]): StreamAck[];
  /** Random bytes (CSPRNG) for session ids [HS-7]. */
  randomBytes(n: number): Uint8Array;
  /** Whether the session a valid token names can still resume; default yes. No: TOKEN_INVALID. */
  canResume?(sessionId: Uint8Array, deviceId: Uint8Array): boolean;
}

export interface ServerLimits {
  majors: readonly number[];
  minor: number;
  features: number;
  /** What the server grants the app for events [FLOW-2]. */
  window: Window;
  maxMessage: number;
}

export interface ServerConfig extends ServerPolicies {
  limits: ServerLimits;
  timeoutMs?: number;
}

export interface ServerOutcome {
  sessionId: Uint8Array;
  resumed: boolean;
  resumeRefused: number;
  deviceId: Uint8Array;
  role: "app" | "device";
  major: number;
  /** The peer's minor of `major` [VER-3]. */
  minor: number;
  features: number;
  pending: StreamKey[];
  custody: StreamAck[];
  /** The peer's grant (its default when the Hello has none): bounds the commands the server sends [FLOW-2]. */
  window: Window;
  /** The peer's largest accepted message; 0 = the binding's default [ENV-8]. */
  maxMessage: number;
  /** The server's own grant to the peer, as sent in the Welcome. */
  granted: Window;
  wakeBudgetMs: number;
  resumeToken: Uint8Array;
  resumeTtlS: number;
}

export type ServerStep = Established<ServerOutcome> | Failed | HandOn | Ignored;

export class ServerHandshake {
  #state: ServerState = SERVER_TABLE.initial;
  #deadline: number | undefined;
  #outcome: ServerOutcome | undefined;
  readonly #config: ServerConfig;
  readonly timeoutMs: number;

  /** `openedAt`: when the connection was accepted; the Hello is due within the timeout. */
  constructor(config: ServerConfig, openedAt: number) {
    this.#config = config;
    this.timeoutMs = config.timeoutMs ?? HANDSHAKE_TIMEOUT_MS.server;
    this.#deadline = openedAt + this.timeoutMs;
  }

  get state(): ServerState {
    return this.#state;
  }

  get outcome(): ServerOutcome | undefined {
    return this.#outcome;
  }

  maySend(type: MessageType): boolean {
    return SERVER_TABLE.maySend[this.#state].includes(type);
  }

  /** `unixS`: wall-clock seconds, read by the driver, for resume token expiry [SEC-5]. */
  handleMessage(msg: Message, unixS: number): ServerStep {
    switch (this.#state) {
      case "failed":
        return IGNORED;
      case "established":
        if (msg.type === "hello" || msg.type === "welcome") {
          return this.#fail("unexpected", refuse("UNEXPECTED_MESSAGE", `${msg.type} after the handshake`));
        }
        this.#go("session-message");
        return handOn(msg);
      case "awaiting-hello":
        // [HS-1] nothing but a Hello opens a session.
        if (msg.type !== "hello") return this.#fail("unexpected", refuse("UNEXPECTED_MESSAGE", `${msg.type} before Hello`));
        return this.#accept(msg.hello, unixS);
    }
  }

  pollTimeout(): number | undefined {
    return this.#state === "awaiting-hello" ? this.#deadline : undefined;
  }

  handleTimeout(now: number): Failed | undefined {
    if (this.#state !== "awaiting-hello" || this.#deadline === undefined || now < this.#deadline) return undefined;
    return this.#fail("timeout", timedOut(`no Hello within ${this.timeoutMs} ms`));
  }

  #accept(hello: Hello, nowS: number): ServerStep {
    const { limits } = this.#config;
    // An empty list is a field rule the codec enforces already [VER-2]; then
    // [HS-13] the major, so a peer of another major learns that first.
    if (hello.majors.length === 0) return this.#fail("hello-refused", refuse("INVALID_FIELD", "hello lists no protocol major [VER-2]"));
    const major = chooseMajor(hello.majors, limits.majors);
    if (major === undefined) {
      return this.#fail("hello-refused", refuse("VERSION_UNSUPPORTED", `offered majors ${hello.majors.join(",")}; speaks ${limits.majors.join(",")}`));
    }
    const fault = helloFault(hello);
    if (fault) return this.#fail("hello-refused", refuse("INVALID_FIELD", fault));
    const auth = this.#config.authenticate(hello.credential, hello.deviceId);
    if (auth === "auth-failed") return this.#fail("hello-refused", refuse("AUTH_FAILED", "credential refused"));
    if (auth === "device-not-allowed") return this.#fail("hello-refused", refuse("DEVICE_NOT_ALLOWED", "credential does not cover the device"));

    const { sessionId, resumed, resumeRefused } = this.#resume(hello, nowS);
    const pending = distinct(hello.pending);
    const custody = this.#config.custodyOf(hello.deviceId, pending);
    const { token, ttlS } = this.#config.tokens.mint({ sessionId, deviceId: hello.deviceId, nowS });
    const features = commonFeatures(hello.features, limits.features);
    this.#outcome = {
      sessionId,
      resumed,
      resumeRefused,
      deviceId: hello.deviceId,
      role: hello.role === "device" ? "device" : "app",
      major,
      minor: minorFor(hello.majors, hello.minor, major),
      features,
      pending,
      custody,
      window: hello.window ?? DEFAULT_WINDOW.appGrantsServer,
      maxMessage: hello.maxMessage,
      granted: limits.window,
      wakeBudgetMs: hello.wakeBudgetMs,
      resumeToken: token,
      resumeTtlS: ttlS,
    };
    const welcome: Message = {
      type: "welcome",
      welcome: {
        major,
        minor: minorFor(limits.majors, limits.minor, major),
        features,
        sessionId,
        resumeToken: token,
        resumeTtlS: ttlS,
        resumed,
        resumeRefused,
        custody,
        window: limits.window,
        maxMessage: limits.maxMessage,
      },
    };
    this.#deadline = undefined;
    this.#go("hello");
    return { kind: "established", outcome: this.#outcome, send: [welcome] };
  }

  /** [HS-5] [HS-8] [HS-9] Resume the token's session, or open a fresh one and say why. */
  #resume(hello: Hello, nowS: number): { sessionId: Uint8Array; resumed: boolean; resumeRefused: number } {
    const fresh = (resumeRefused: number) => ({ sessionId: this.#freshSessionId(), resumed: false, resumeRefused });
    if (hello.resumeToken.length === 0) return fresh(0);
    const verdict = this.#config.tokens.verify({ token: hello.resumeToken, deviceId: hello.deviceId, nowS });
    if (!verdict.ok) return fresh(ErrorCode[verdict.reason]);
    if (!(this.#config.canResume?.(verdict.sessionId, hello.deviceId) ?? true)) return fresh(ErrorCode.TOKEN_INVALID);
    return { sessionId: verdict.sessionId, resumed: true, resumeRefused: 0 };
  }

  /** [HS-7] 16 random bytes (the spec asks at least 8; the token layout holds 16). */
  #freshSessionId(): Uint8Array {
    const id = this.#config.randomBytes(SESSION_ID_BYTES);
    if (id.length !== SESSION_ID_BYTES) throw new ProtocolError("INTERNAL", `randomBytes gave ${id.length} bytes`, "local");
    return id;
  }

  #go(input: ServerInput): void {
    this.#state = advance(SERVER_TABLE, this.#state, input);
  }

  #fail(input: ServerInput, failure: Failed): Failed {
    this.#deadline = undefined;
    this.#go(input);
    return failure;
  }
}

/** Field rules of a Hello on the server leg, or undefined. */
function helloFault(hello: Hello): string | undefined {
  if (hello.majors.length === 0) return "hello lists no protocol major [VER-2]";
  // [HS-3] [ID-3] the server leg names the device: 1 to 16 bytes.
  if (hello.deviceId.length === 0) return "hello without device_id [HS-3]";
  if (hello.deviceId.length > 16) return `device id of ${hello.deviceId.length} bytes [ID-3]`;
  // [HS-2] apps and hubs (devices with their own uplink) open server sessions.
  if (hello.role !== "app" && hello.role !== "device") return `role ${hello.role} cannot open a server session [HS-2]`;
  // [ENV-4] epochs are never 0 on the server leg.
  if (hello.pending.some((k) => k.epoch === 0)) return "pending stream with epoch 0 [ENV-4]";
  return undefined;
}

function distinct(keys: StreamKey[]): StreamKey[] {
  const seen = new Set<string>();
  return keys.filter((k) => {
    const id = `${k.stream}/${k.epoch}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
