/**
 * One WebSocket connection of the server leg: a thin driver around
 * LegSession (sockets, timers and the clock live here, the rules there).
 *
 * - Subprotocol `ferry.v1`, no permessage-deflate [WS-3] [WS-5]; one
 *   Message per binary frame, a text frame is MALFORMED [WS-1].
 * - Hello and first flight go out at once, in one write, before any answer [HS-10].
 * - Commands are handed to the caller, which takes custody; the CommandAck
 *   follows once it returns [CMD-7].
 * - Keepalive: a Ping after 30 s of silence, lost 15 s later [WS-8].
 * - `run()` resolves once the connection is over, with what the close
 *   means for the next attempt (11.3).
 */
import type { Socket } from "node:net";
import WebSocket from "ws";
import { decodeMessage, encodeMessage, isProtocolError, ProtocolError, VERSION } from "@ferry/protocol";
import type { Ack, ClientOutcome, Command, CommandAck, CommandOutcome, Message, Scope } from "@ferry/protocol";
import type { RetryAction } from "./backoff.js";
import { closeError, retryActionOf } from "./close-codes.js";
import { LegSession, WEBSOCKET_MAX_MESSAGE, type LegConfig, type SessionStep } from "./session.js";
import type { LegSource } from "./source.js";

export const SUBPROTOCOL: string = VERSION.websocketSubprotocol;
/** [WS-8] */
export const KEEPALIVE = Object.freeze({ idleMs: 30_000, pongTimeoutMs: 15_000 });
/** How long the client waits for the server's close after a fatal Error before closing itself. */
const CLOSE_GRACE_MS = 2_000;
/** A close frame's reason holds at most 123 bytes. */
const reasonText = (s: string) => Buffer.from(s).subarray(0, 120).toString();

/** How a connection ended. */
export interface LegEnd {
  /** The Welcome, if one arrived. */
  outcome?: ClientOutcome;
  /** The close code received (1006: the connection was lost without one). */
  closeCode: number;
  reason: string;
  /** Why it failed: the server's Error, its close code, or what this side detected. */
  error?: ProtocolError;
  /** A transport failure (refused, reset) behind a 1006. */
  linkError?: Error;
  /** What the next attempt does (11.3). */
  action: RetryAction;
}

export interface CommandReply {
  outcome: CommandOutcome;
  scope: Scope;
}

export interface LegHooks {
  /** Keep the new token durably [HS-5]; custody in the outcome was applied to the source already. */
  onWelcome?(outcome: ClientOutcome): void;
  /** After the source freed what the ack covers: relay critical streams to the device here [ACK-14]. */
  onAck?(ack: Ack): void;
  /**
   * A command from the server: make it durable, then return the reply
   * (default RECEIVED, HOP; a repeated one gets the device's last outcome) [CMD-7].
   */
  onCommand?(command: Command): CommandReply | undefined | Promise<CommandReply | undefined>;
  /** An Error from the server that leaves the connection open [WS-7]. */
  onPeerError?(error: ProtocolError): void;
}

export interface WebSocketLegOptions extends LegConfig, LegHooks {
  /** e.g. ws://127.0.0.1:8080/v1/ws */
  url: string;
  source: LegSource;
  /** Monotonic ms; default performance.now. */
  now?: () => number;
  keepalive?: { idleMs: number; pongTimeoutMs: number } | false;
}

export class WebSocketLeg {
  readonly session: LegSession;
  readonly #o: WebSocketLegOptions;
  readonly #now: () => number;
  #ws: WebSocket | undefined;
  /** The TCP socket under the WebSocket, to cork a flight into one write. */
  #socket: Socket | undefined;
  #timer: NodeJS.Timeout | undefined;
  #keepalive: NodeJS.Timeout | undefined;
  #lastHeard = 0;
  #pingAt: number | undefined;
  #error: ProtocolError | undefined;
  #linkError: Error | undefined;
  #commands: Promise<void> = Promise.resolve();

  constructor(options: WebSocketLegOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => performance.now());
    this.session = new LegSession(options.source, options);
  }

  get isOpen(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN && this.session.state !== "failed";
  }

  /** Connects, runs the session, resolves when the connection is over. */
  run(): Promise<LegEnd> {
    return new Promise((resolve) => {
      const ws = new WebSocket(this.#o.url, [SUBPROTOCOL], {
        perMessageDeflate: false,
        maxPayload: this.#o.maxMessage || WEBSOCKET_MAX_MESSAGE,
        handshakeTimeout: this.#o.welcomeTimeoutMs ?? 10_000,
      });
      this.#ws = ws;
      ws.on("upgrade", (res) => (this.#socket = res.socket));
      ws.on("open", () => this.#safely(() => this.#opened(ws)));
      ws.on("message", (data, isBinary) => this.#safely(() => this.#received(data as Buffer, isBinary)));
      ws.on("pong", () => this.#heard());
      ws.on("error", (e) => (this.#linkError ??= e));
      ws.on("close", (code, reason) => {
        this.#stopTimers();
        const text = reason.toString();
        const error = this.#error ?? closeError(code, text);
        resolve({
          ...(this.session.outcome && { outcome: this.session.outcome }),
          closeCode: code,
          reason: text,
          ...(error && { error }),
          ...(this.#linkError && { linkError: this.#linkError }),
          action: retryActionOf(code, error),
        });
      });
    });
  }

  /** The source holds new items: send what the window allows. */
  flush(): void {
    if (this.isOpen) this.#safely(() => this.#transmit(this.session.pollTransmit(this.#now())));
  }

  /** Relays a CommandAck (a device's outcome) on this connection; false when it cannot go now. */
  sendCommandAck(ack: CommandAck): boolean {
    if (!this.isOpen || this.session.state !== "established") return false;
    this.#send(this.session.commandAck(ack));
    return true;
  }

  /** Ends the connection: 1000 when done, 1001 when the app is being suspended (11.3). */
  close(code = 1000, reason = ""): void {
    const ws = this.#ws;
    if (!ws) return;
    if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    else if (ws.readyState === WebSocket.OPEN) ws.close(code, reasonText(reason));
  }

  #opened(ws: WebSocket): void {
    // [WS-3] the server must select our subprotocol (ws checks it too).
    if (ws.protocol !== SUBPROTOCOL) {
      this.#error = new ProtocolError("VERSION_UNSUPPORTED", `server selected subprotocol "${ws.protocol}"`, "remote");
      return void ws.terminate();
    }
    this.#heard();
    this.#startKeepalive();
    this.#transmit(this.session.start(this.#now()));
  }

  #received(data: Buffer, isBinary: boolean): void {
    this.#heard();
    let msg: Message;
    try {
      if (!isBinary) throw new ProtocolError("MALFORMED", "text message [WS-1]");
      msg = decodeMessage(data, { maxMessage: this.#o.maxMessage || WEBSOCKET_MAX_MESSAGE });
    } catch (e) {
      const error = isProtocolError(e) ? e : new ProtocolError("MALFORMED", String(e));
      return this.#apply(this.session.handleUndecodable(error));
    }
    this.#apply(this.session.handleMessage(msg, this.#now()));
  }

  #apply(step: SessionStep): void {
    for (const m of step.send) this.#send(m);
    if (step.established) this.#hook(() => this.#o.onWelcome?.(step.established!));
    if (step.ack) this.#hook(() => this.#o.onAck?.(step.ack!));
    for (const e of step.peerErrors) this.#hook(() => this.#o.onPeerError?.(e));
    for (const c of step.commands) this.#command(c);
    step.acknowledged?.catch((e) => this.#failLocally(`outbox failed to apply an ack: ${String(e)}`));
    if (step.failed) return this.#failed(step.failed);
    this.#transmit(this.session.pollTransmit(this.#now()));
  }

  /** Commands are answered in the order they came, each once its custody is taken [CMD-7]. */
  #command(command: Command): void {
    this.#commands = this.#commands.then(async () => {
      try {
        const reply = (await this.#o.onCommand?.(command)) ?? { outcome: "received", scope: "hop" };
        this.sendCommandAck({ ids: [command.id], ...reply });
      } catch (e) {
        // No custody, no CommandAck: the server sends it again on the next session [CMD-11].
        this.#failLocally(`could not take custody of command ${command.id}: ${String(e)}`);
      }
    });
  }

  #failed(f: NonNullable<SessionStep["failed"]>): void {
    this.#error ??= f.error;
    if (f.origin === "received") {
      // The server closes after its Error [WS-6]; close ourselves if it does not.
      setTimeout(() => this.close(1000, "after fatal Error"), CLOSE_GRACE_MS).unref();
    } else {
      this.close(f.closeCode, f.error.message);
    }
  }

  #failLocally(detail: string, error?: ProtocolError): void {
    this.#error ??= error ?? new ProtocolError("INTERNAL", detail, "local");
    this.close(1011, detail);
  }

  /** A bug here or in the source (a bad offer, a run past the window) ends this connection, not the process. */
  #safely(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.#failLocally(`client failed: ${String(e)}`, isProtocolError(e) ? e : undefined);
    }
  }

  /**
   * Sends a flight in one write on the socket: the Hello and the first
   * flight arrive together (11.2), so the server sees them as one [HS-12].
   */
  #transmit(messages: Message[]): void {
    const socket = messages.length > 1 ? this.#socket : undefined;
    socket?.cork();
    try {
      for (const m of messages) this.#send(m);
    } finally {
      socket?.uncork();
    }
    this.#arm();
  }

  #send(m: Message): void {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(encodeMessage(m), { binary: true });
  }

  #arm(): void {
    clearTimeout(this.#timer);
    const at = this.session.pollTimeout();
    if (at === undefined) return;
    this.#timer = setTimeout(() => this.#safely(() => this.#apply(this.session.handleTimeout(this.#now()))), Math.max(0, at - this.#now()));
  }

  #heard(): void {
    this.#lastHeard = this.#now();
    this.#pingAt = undefined;
  }

  /** [WS-8] Ping after idleMs of silence; the connection is lost if nothing answers within pongTimeoutMs. */
  #startKeepalive(): void {
    const k = this.#o.keepalive === undefined ? KEEPALIVE : this.#o.keepalive;
    if (!k) return;
    const period = Math.max(10, Math.min(k.idleMs, k.pongTimeoutMs) / 3);
    this.#keepalive = setInterval(() => {
      const ws = this.#ws;
      if (!ws || ws.readyState !== WebSocket.OPEN) return;
      const now = this.#now();
      if (this.#pingAt !== undefined && now - this.#pingAt >= k.pongTimeoutMs) {
        this.#linkError ??= new Error(`no answer ${k.pongTimeoutMs} ms after a Ping [WS-8]`);
        ws.terminate();
      } else if (this.#pingAt === undefined && now - this.#lastHeard >= k.idleMs) {
        this.#pingAt = now;
        ws.ping();
      }
    }, period);
    this.#keepalive.unref();
  }

  #stopTimers(): void {
    clearTimeout(this.#timer);
    clearInterval(this.#keepalive);
  }

  #hook(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.#failLocally(`hook failed: ${String(e)}`);
    }
  }
}
