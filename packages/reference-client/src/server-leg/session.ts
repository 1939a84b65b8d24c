/**
 * One server-leg connection of the app, sans-IO [HS-1]..[HS-14] [ACK-16]..[ACK-18].
 *
 * `start` gives the Hello and, without waiting, the first flight [HS-10];
 * `handleMessage` takes what the server sends; `pollTransmit` gives what the
 * window lets go now; `handleTimeout` runs the Welcome and retransmission
 * timers. The handshake is @ferry/protocol's ClientHandshake; custody stays
 * with the source (the outbox), which this session frees on every Welcome
 * and Ack. Time comes in as `now` (ms, any monotonic clock).
 *
 * Drive it like quinn-proto: after every input, send `step.send`, then
 * `pollTransmit(now)`, then re-arm the timer at `pollTimeout()`.
 */
import { ClientHandshake, DEFAULT_WINDOW, Feature, ProtocolError, SPOKEN_MAJORS, SPOKEN_MINOR } from "@ferry/protocol";
import type { Ack, ClientOutcome, Command, CommandAck, Failed, Message, Window } from "@ferry/protocol";
import { closeCodeOf, closesConnection, CLOSE_NORMAL, peerError } from "./close-codes.js";
import { InFlight } from "./in-flight.js";
import type { LegSource, SendLimits } from "./source.js";

/** The binding's default max_message: 1 MiB [WS-2]. */
export const WEBSOCKET_MAX_MESSAGE = 1_048_576;

/** [ACK-18] on WebSocket: 10 s, doubling to 60 s; the third expiry in a row ends the connection. */
export const RETRANSMIT_TIMEOUT = Object.freeze({ initialMs: 10_000, maxMs: 60_000, expiries: 3 });

export interface LegConfig {
  deviceId: Uint8Array;
  credential: Uint8Array;
  /** The last Welcome's token [HS-5]; absent or empty: a fresh session. */
  resumeToken?: Uint8Array;
  /** The last Welcome's grant, for the first flight [HS-10]; default: the server's default grant. */
  firstFlightWindow?: Window;
  /** What the app grants the server, for commands [FLOW-2]. */
  window?: Window;
  /** Largest message the app accepts; 0: 1 MiB [ENV-8]. */
  maxMessage?: number;
  /** Execution time left; 0 unknown [LIFE-9]. */
  wakeBudgetMs?: number;
  /** Default: commands and HTTP batch. */
  features?: number;
  role?: "app" | "device";
  welcomeTimeoutMs?: number;
  retransmitTimeoutMs?: number;
}

/** What one input produced; `send` goes out before anything else. */
export interface SessionStep {
  send: Message[];
  established?: ClientOutcome;
  ack?: Ack;
  /** Commands pushed by the server: take custody, then `commandAck` [CMD-7]. */
  commands: Command[];
  /** Errors that leave the connection open (SEQUENCE_CONFLICT, WINDOW_EXCEEDED, ...) [WS-7]. */
  peerErrors: ProtocolError[];
  /** The source's durable bookkeeping of a Welcome or Ack, when it is asynchronous. */
  acknowledged?: Promise<void>;
  /** The connection ends: close with `closeCode` once `send` is out [WS-6]. */
  failed?: { error: ProtocolError; closeCode: number; origin: Failed["origin"] };
}

const step = (): SessionStep => ({ send: [], commands: [], peerErrors: [] });

export class LegSession {
  readonly #source: LegSource;
  readonly #config: LegConfig;
  readonly #handshake: ClientHandshake;
  readonly #inFlight = new InFlight();
  #window: Window | undefined;
  #maxMessage = WEBSOCKET_MAX_MESSAGE;
  #failed = false;
  #rto: number;
  #rtoDeadline: number | undefined;
  #expiries = 0;

  constructor(source: LegSource, config: LegConfig) {
    this.#source = source;
    this.#config = config;
    this.#handshake = new ClientHandshake(config.welcomeTimeoutMs === undefined ? {} : { timeoutMs: config.welcomeTimeoutMs });
    this.#rto = config.retransmitTimeoutMs ?? RETRANSMIT_TIMEOUT.initialMs;
  }

  get state(): "idle" | "hello-sent" | "established" | "failed" {
    return this.#failed ? "failed" : this.#handshake.state;
  }

  get outcome(): ClientOutcome | undefined {
    return this.#handshake.outcome;
  }

  /** The grant events go under now [FLOW-1]. */
  get window(): Window {
    return this.#window ?? this.#handshake.sendWindow;
  }

  get inFlight(): Window {
    return this.#inFlight.count;
  }

  /** [HS-1] [HS-10] The Hello, then the first flight, without waiting. */
  start(now: number): Message[] {
    const c = this.#config;
    this.#source.rewind();
    const hello = this.#handshake.start(
      {
        deviceId: c.deviceId,
        credential: c.credential,
        ...(c.resumeToken && c.resumeToken.length > 0 && { resumeToken: c.resumeToken }),
        pending: this.#source.pending(),
        window: c.window ?? DEFAULT_WINDOW.appGrantsServer,
        maxMessage: c.maxMessage ?? 0,
        wakeBudgetMs: c.wakeBudgetMs ?? 0,
        majors: SPOKEN_MAJORS,
        minor: SPOKEN_MINOR,
        features: c.features ?? Feature.commands | Feature.httpBatch,
        role: c.role ?? "app",
        ...(c.firstFlightWindow && { firstFlightWindow: c.firstFlightWindow }),
      },
      now,
    );
    return [hello, ...this.pollTransmit(now)];
  }

  handleMessage(msg: Message, now: number): SessionStep {
    const out = step();
    if (this.#failed) return out;
    const h = this.#handshake.handleMessage(msg);
    if (h.kind === "ignored") return out;
    if (h.kind === "failed") return this.#fail(out, h.error, h.origin, h.send);
    if (h.kind === "established") {
      // [HS-4] [HS-14] Welcome.custody is authoritative: free what it covers; the
      // first flight it does not cover stays in flight, the rest goes next [ACK-16].
      this.#inFlight.handleCustody(h.outcome.custody, false);
      this.#window = h.outcome.window;
      this.#maxMessage = h.outcome.maxMessage || WEBSOCKET_MAX_MESSAGE;
      out.established = h.outcome;
      const done = this.#source.acknowledge(h.outcome.custody, "hop", now);
      if (done) out.acknowledged = done;
      return out;
    }
    const m = h.message;
    switch (m.type) {
      case "ack": {
        const done = this.#handleAck(m.ack, now);
        if (done) out.acknowledged = done;
        out.ack = m.ack;
        return out;
      }
      case "command":
        // [CMD-1] commands only where FEATURE_COMMANDS is in effect.
        if ((this.#handshake.outcome!.features & Feature.commands) === 0) return this.#refuse(out, "Command on a session without FEATURE_COMMANDS [CMD-1]");
        out.commands.push(m.command);
        return out;
      case "error": {
        const e = peerError(m.error);
        if (closesConnection(m.error.code)) return this.#fail(out, e, "received", []);
        out.peerErrors.push(e);
        return out;
      }
      default:
        return this.#refuse(out, `${m.type} from the server`);
    }
  }

  /**
   * Input that did not decode. UNKNOWN_MESSAGE from a server of a higher
   * minor is ignored [VER-6], otherwise reported without closing; anything
   * else ends the connection with its Error [WS-6].
   */
  handleUndecodable(error: ProtocolError): SessionStep {
    const out = step();
    if (this.#failed) return out;
    if (error.errorName === "UNKNOWN_MESSAGE") {
      if ((this.#handshake.outcome?.minor ?? 0) <= SPOKEN_MINOR) out.send.push(errorMessage(error));
      return out;
    }
    return this.#fail(out, error, "detected", [errorMessage(error)]);
  }

  /** Everything the window and max_message let go now, in the source's order [FLOW-1] [PRIO-3]. */
  pollTransmit(now: number): Message[] {
    if (this.#failed || !this.#handshake.maySend("events")) return [];
    const out: Message[] = [];
    for (;;) {
      const inFlight = this.#inFlight.count;
      const w = this.window;
      const limits: SendLimits = {
        events: Math.max(0, w.events - inFlight.events),
        bytes: Math.max(0, w.bytes - inFlight.bytes),
        mayExceedBytes: inFlight.events === 0,
        maxMessage: this.#maxMessage,
      };
      const m = this.#source.next(limits, now);
      if (!m) break;
      if (m.type === "events") {
        checkRun(m.events.payloads.length, limits);
        this.#inFlight.recordRun(m.events);
      } else if (m.type === "accounting") {
        this.#inFlight.recordAccounting(m.accounting);
      } else {
        throw new ProtocolError("UNEXPECTED_MESSAGE", `source gave a ${m.type}`, "local");
      }
      out.push(m);
    }
    // [ACK-18] the timer starts when something is in flight and none runs.
    if (this.#rtoDeadline === undefined && !this.#inFlight.isEmpty) this.#rtoDeadline = now + this.#rto;
    return out;
  }

  /** [CMD-7] A CommandAck for the server. */
  commandAck(ack: CommandAck): Message {
    if (this.#failed || !this.#handshake.maySend("commandAck")) {
      throw new ProtocolError("UNEXPECTED_MESSAGE", `CommandAck in state ${this.state}`, "local");
    }
    return { type: "commandAck", commandAck: ack };
  }

  pollTimeout(): number | undefined {
    if (this.#failed) return undefined;
    const ts = [this.#handshake.pollTimeout(), this.#rtoDeadline].filter((t): t is number => t !== undefined);
    return ts.length === 0 ? undefined : Math.min(...ts);
  }

  handleTimeout(now: number): SessionStep {
    const out = step();
    if (this.#failed) return out;
    const welcome = this.#handshake.handleTimeout(now);
    if (welcome) return this.#fail(out, welcome.error, "timeout", []);
    if (this.#rtoDeadline === undefined || now < this.#rtoDeadline) return out;
    // [ACK-18] resend everything in flight, double the timeout; the third expiry in a row ends it.
    this.#expiries++;
    this.#rtoDeadline = undefined;
    if (this.#expiries >= RETRANSMIT_TIMEOUT.expiries) {
      const error = new ProtocolError("UNAVAILABLE", `no Ack after ${this.#expiries} retransmission timeouts [ACK-18]`, "remote");
      return this.#fail(out, error, "timeout", []);
    }
    for (const r of this.#inFlight.takeAll()) this.#source.requeue(r.key, r.ranges);
    this.#rto = Math.min(this.#rto * 2, RETRANSMIT_TIMEOUT.maxMs);
    return out;
  }

  #handleAck(ack: Ack, now: number): void | Promise<void> {
    const effect = this.#inFlight.handleCustody(ack.streams, true);
    // [ACK-17] shown lost: hand back to the source, which sends them again.
    for (const r of effect.lost) this.#source.requeue(r.key, r.ranges);
    if (ack.window) this.#window = ack.window; // [FLOW-3]
    if (effect.progress) {
      this.#expiries = 0;
      this.#rto = this.#config.retransmitTimeoutMs ?? RETRANSMIT_TIMEOUT.initialMs;
      this.#rtoDeadline = this.#inFlight.isEmpty ? undefined : now + this.#rto;
    }
    // A server sends only hop acks [ACK-13]; the caller relays critical streams [ACK-14].
    return this.#source.acknowledge(ack.streams, "hop", now);
  }

  #refuse(out: SessionStep, detail: string): SessionStep {
    const error = new ProtocolError("UNEXPECTED_MESSAGE", detail);
    return this.#fail(out, error, "detected", [errorMessage(error)]);
  }

  #fail(out: SessionStep, error: ProtocolError, origin: Failed["origin"], send: Message[]): SessionStep {
    this.#failed = true;
    this.#rtoDeadline = undefined;
    out.send.push(...send);
    // What this side detected closes with the table's code; otherwise the server closes, or nothing answers.
    out.failed = { error, origin, closeCode: origin === "detected" ? closeCodeOf(error) : CLOSE_NORMAL };
    return out;
  }
}

function errorMessage(e: ProtocolError): Message {
  return { type: "error", error: { code: e.code, detail: e.message } };
}

/** A source that hands more than the window allows is a bug here, not the server's problem. */
function checkRun(events: number, limits: SendLimits): void {
  if (events > limits.events) throw new ProtocolError("WINDOW_EXCEEDED", `source gave ${events} events; window allows ${limits.events}`, "local");
}
