/**
 * The app's (or a hub's) handshake toward the server [HS-1]..[HS-9].
 *
 * `start` returns the Hello; the state is then "hello-sent", in which the
 * app may send events and accountings at once (the first flight [HS-10]: safe
 * because every event is idempotent by identity). The Welcome establishes
 * the session and reports custody per pending stream, the window, features
 * and whether the session resumed. Sans-IO: time is an input.
 */
import { ErrorCode, ProtocolError } from "../errors.js";
import type { Message, MessageType, StreamAck, StreamKey, Welcome, Window } from "../message.js";
import { type Established, type Failed, type HandOn, type Ignored, HANDSHAKE_TIMEOUT_MS, IGNORED, DEFAULT_WINDOW } from "./step.js";
import { fromPeer, handOn, refuse, timedOut } from "./step.js";
import { type ClientInput, type ClientState, CLIENT_TABLE, advance } from "./transitions.js";
import { isFeatureSubset } from "./version.js";

export interface ClientStart {
  deviceId: Uint8Array;
  credential: Uint8Array;
  /** The token of the last Welcome, if the app kept one [HS-5]. */
  resumeToken?: Uint8Array;
  /** Streams with unacknowledged events or accountings [HS-4]. */
  pending: StreamKey[];
  /** What the app grants the server (commands) [FLOW-2]. */
  window: Window;
  maxMessage: number;
  wakeBudgetMs: number;
  majors: readonly number[];
  minor: number;
  features: number;
  /** "device" for a hub speaking the server leg itself [LIFE-14]. */
  role?: "app" | "device";
  /**
   * The window to send the first flight under, before the server has granted
   * one: the last Welcome's, if the app kept it. Default: a server's default
   * grant [FLOW-2]. Events past the grant the Welcome brings are refused with
   * WINDOW_EXCEEDED, not lost: the app keeps custody [HS-10].
   */
  firstFlightWindow?: Window;
}

export interface ClientOutcome {
  sessionId: Uint8Array;
  resumed: boolean;
  /** 0, TOKEN_INVALID (22) or TOKEN_EXPIRED (23) [HS-9]. */
  resumeRefused: number;
  /** The server's custody of each pending stream: what to free, what to resend [HS-4]. */
  custody: StreamAck[];
  /** The server's grant (its default when the Welcome has none): bounds what the app sends [FLOW-2]. */
  window: Window;
  /** The server's largest accepted message; 0 = the binding's default [ENV-8]. */
  maxMessage: number;
  features: number;
  major: number;
  /** The server's minor of `major` [VER-3]. */
  minor: number;
  resumeToken: Uint8Array;
  resumeTtlS: number;
}

export type ClientStep = Established<ClientOutcome> | Failed | HandOn | Ignored;

export class ClientHandshake {
  #state: ClientState = CLIENT_TABLE.initial;
  #offer: ClientStart | undefined;
  #deadline: number | undefined;
  #outcome: ClientOutcome | undefined;
  readonly timeoutMs: number;

  constructor(options: { timeoutMs?: number } = {}) {
    this.timeoutMs = options.timeoutMs ?? HANDSHAKE_TIMEOUT_MS.client;
  }

  get state(): ClientState {
    return this.#state;
  }

  get outcome(): ClientOutcome | undefined {
    return this.#outcome;
  }

  /** Whether the app may send a message of this type now (first flight included). */
  maySend(type: MessageType): boolean {
    return CLIENT_TABLE.maySend[this.#state].includes(type);
  }

  /** The window events go under: the first-flight window until the Welcome, then the server's grant. */
  get sendWindow(): Window {
    if (this.#outcome) return this.#outcome.window;
    return this.#offer?.firstFlightWindow ?? DEFAULT_WINDOW.serverGrantsApp;
  }

  /** [HS-1] The Hello, first message of the session. */
  start(offer: ClientStart, now: number): Message {
    if (this.#state !== "idle") throw new ProtocolError("UNEXPECTED_MESSAGE", `start in state ${this.#state}`, "local");
    checkOffer(offer);
    this.#offer = offer;
    this.#deadline = now + this.timeoutMs;
    this.#go("start");
    return {
      type: "hello",
      hello: {
        majors: [...offer.majors],
        minor: offer.minor,
        role: offer.role ?? "app",
        deviceId: offer.deviceId,
        features: offer.features,
        credential: offer.credential,
        resumeToken: offer.resumeToken ?? new Uint8Array(0),
        custody: [],
        window: offer.window,
        maxMessage: offer.maxMessage,
        wakeBudgetMs: offer.wakeBudgetMs,
        pending: [...offer.pending],
      },
    };
  }

  handleMessage(msg: Message): ClientStep {
    const offer = this.#offer;
    switch (this.#state) {
      case "failed":
        return IGNORED;
      case "established":
        if (msg.type === "hello" || msg.type === "welcome") {
          return this.#fail("unexpected", refuse("UNEXPECTED_MESSAGE", `${msg.type} after Welcome`));
        }
        this.#go("session-message");
        return handOn(msg);
      case "idle":
        return this.#fail("unexpected", refuse("UNEXPECTED_MESSAGE", `${msg.type} before Hello`));
      case "hello-sent": {
        if (msg.type === "error") return this.#fail("error", fromPeer(msg.error));
        if (msg.type !== "welcome" || !offer) return this.#fail("unexpected", refuse("UNEXPECTED_MESSAGE", `${msg.type} before Welcome`));
        const fault = welcomeFault(msg.welcome, offer);
        if (fault) return this.#fail("welcome-invalid", refuse("INVALID_FIELD", fault));
        this.#outcome = outcomeOf(msg.welcome);
        this.#deadline = undefined;
        this.#go("welcome");
        return { kind: "established", outcome: this.#outcome, send: [] };
      }
    }
  }

  /** The handshake deadline while waiting for the Welcome. */
  pollTimeout(): number | undefined {
    return this.#state === "hello-sent" ? this.#deadline : undefined;
  }

  /** Fails the handshake once the deadline passed; undefined when nothing is due. */
  handleTimeout(now: number): Failed | undefined {
    if (this.#state !== "hello-sent" || this.#deadline === undefined || now < this.#deadline) return undefined;
    return this.#fail("timeout", timedOut(`no Welcome within ${this.timeoutMs} ms`));
  }

  #go(input: ClientInput): void {
    this.#state = advance(CLIENT_TABLE, this.#state, input);
  }

  #fail(input: ClientInput, failure: Failed): Failed {
    this.#deadline = undefined;
    this.#go(input);
    return failure;
  }
}

function checkOffer(offer: ClientStart): void {
  const bad = (detail: string) => new ProtocolError("INVALID_FIELD", detail, "local");
  // [HS-3] the server leg names the device; [ID-3] 1 to 16 bytes.
  if (offer.deviceId.length < 1 || offer.deviceId.length > 16) throw bad(`device id of ${offer.deviceId.length} bytes`);
  if (offer.majors.length === 0) throw bad("no protocol major to offer");
  // [ENV-4] epochs are never 0 on the server leg.
  if (offer.pending.some((k) => k.epoch === 0)) throw bad("pending stream with epoch 0");
}

const keyOf = (k: StreamKey) => `${k.stream}/${k.epoch}`;

/** Why a Welcome breaks the rules for this offer, or undefined. */
function welcomeFault(w: Welcome, offer: ClientStart): string | undefined {
  if (!offer.majors.includes(w.major)) return `major ${w.major} was not offered [VER-2]`;
  if (!isFeatureSubset(w.features, offer.features)) return `features ${w.features} not within offered ${offer.features} [VER-7]`;
  if (w.sessionId.length < 8) return `session id of ${w.sessionId.length} bytes [HS-7]`;
  const offeredToken = (offer.resumeToken?.length ?? 0) > 0;
  if (w.resumed && !offeredToken) return "resumed without a resume token [HS-8]";
  if (w.resumed && w.resumeRefused !== 0) return "resumed and refused at once [HS-9]";
  if (w.resumeRefused !== 0 && w.resumeRefused !== ErrorCode.TOKEN_INVALID && w.resumeRefused !== ErrorCode.TOKEN_EXPIRED)
    return `resume_refused ${w.resumeRefused} is not a token error [HS-9]`;
  if (w.resumeRefused !== 0 && !offeredToken) return "resume refused but none was offered [HS-9]";
  // [HS-4] exactly one StreamAck per pending stream.
  const wanted = new Set(offer.pending.map(keyOf));
  const seen = new Set<string>();
  for (const ack of w.custody) {
    const k = keyOf(ack);
    if (!wanted.has(k) || seen.has(k)) return `custody for stream ${k} not pending or repeated [HS-4]`;
    seen.add(k);
  }
  if (seen.size !== wanted.size) return `custody covers ${seen.size} of ${wanted.size} pending streams [HS-4]`;
  return undefined;
}

function outcomeOf(w: Welcome): ClientOutcome {
  return {
    sessionId: w.sessionId,
    resumed: w.resumed,
    resumeRefused: w.resumeRefused,
    custody: w.custody,
    window: w.window ?? DEFAULT_WINDOW.serverGrantsApp,
    maxMessage: w.maxMessage,
    features: w.features,
    major: w.major,
    minor: w.minor,
    resumeToken: w.resumeToken,
    resumeTtlS: w.resumeTtlS,
  };
}
