/**
 * One server session per connection (chapter 7.1.5, server table): the
 * handshake, then custody of events and accountings, command replay and
 * CommandAcks. Binding-agnostic: the WebSocket binding feeds it frames and
 * gives it a Transport; unit tests give it a fake one.
 *
 * Input is handled strictly in arrival order through an inbox, because the
 * Hello needs one asynchronous store read (the custody of its pending
 * streams [HS-4]) while the first flight is already arriving [HS-10].
 * Messages of one socket read are grouped into one ingest request, handed
 * to the group committer, and acknowledged with the custody the store
 * reports only once that commit resolved [ACK-2]; acknowledgements leave in
 * commit order, and command replay waits behind the first flight's Ack
 * [HS-12].
 *
 * The session never names a device in what it stores: every run and
 * accounting is stored under the device of its Hello, so events for another
 * device cannot enter through it [HS-3] [SEC-2]. With a key registered for
 * that device, events whose signature fails are accounted REJECTED instead
 * of stored, and reported with SIGNATURE_INVALID [SEC-11].
 */
import {
  decodeMessage,
  Feature,
  isProtocolError,
  ProtocolError,
  ServerHandshake,
  SPOKEN_MAJORS,
  SPOKEN_MINOR,
  type Accounting,
  type CommandAck,
  type ErrorName,
  type EventRun,
  type Hello,
  type Message,
  type StreamAck,
  type StreamRef,
} from "@ferry/protocol";
import type { IngestOutcome } from "../store/store.js";
import { hex } from "../auth.js";
import { OffenceLog } from "../log.js";
import { CommandSender } from "./command-sender.js";
import { firstConflictPerRun, streamKeyId } from "./conflicts.js";
import { detailOf, errorMessage, isFatal, storeFailure } from "./errors.js";
import { serverFeatures } from "./features.js";
import { ReceiveWindow } from "./receive-window.js";
import type { LiveSession } from "./registry.js";
import { checkSignatures } from "./signature-check.js";
import type { SessionContext, Transport } from "./context.js";

type InboxItem = { kind: "message"; message: Message } | { kind: "unknown" } | { kind: "refused"; error: ProtocolError };

interface Pending {
  /** The runs as admitted, before their signatures are checked. */
  runs: EventRun[];
  accountings: Accounting[];
  events: number;
  bytes: number;
}

const emptyPending = (): Pending => ({ runs: [], accountings: [], events: 0, bytes: 0 });

/**
 * How long a session whose Hello announced pending streams waits for their
 * first flight before it replays commands anyway [HS-12]: the ack delay of
 * [ACK-15]. A first flight's frames may arrive in several socket reads.
 */
export const FIRST_FLIGHT_GRACE_MS = 200;

export { SERVER_FEATURES } from "./features.js";

export class ServerSession implements LiveSession {
  readonly #ctx: SessionContext;
  readonly #transport: Transport;
  readonly #hs: ServerHandshake;
  readonly #offences: OffenceLog;
  readonly #window: ReceiveWindow;
  readonly #inbox: InboxItem[] = [];
  #pending = emptyPending();
  #pumping = false;
  #flushQueued = false;
  #helloInProgress = false;
  /** Acks, conflicts and command replay leave in this order. */
  #chain: Promise<void> = Promise.resolve();
  #replayDue = false;
  /** Set while replay waits for the first flight's Ack; past it, replay goes ahead without one. */
  #replayDeadline: number | undefined;
  /** Custody of the Hello's pending streams, read before the handshake asks for it. */
  readonly #prefetched = new Map<string, StreamAck>();
  #deviceId: Uint8Array | undefined;
  #peerMinor = 0;
  #commands: CommandSender | undefined;
  /** No more input is taken (closing, or shutting down). */
  #inputClosed = false;
  /** Nothing more is sent. */
  #closed = false;
  #summarised = false;

  constructor(ctx: SessionContext, transport: Transport, peer: string) {
    this.#ctx = ctx;
    this.#transport = transport;
    this.#offences = new OffenceLog(ctx.log, { peer });
    this.#window = new ReceiveWindow(ctx.window);
    this.#hs = new ServerHandshake(
      {
        authenticate: (credential, deviceId) => ctx.credentials.authenticate(credential, deviceId),
        tokens: ctx.tokens,
        custodyOf: (_deviceId, keys) => keys.map((k) => this.#prefetched.get(streamKeyId(k)) ?? zeroAck(k)),
        randomBytes: ctx.randomBytes,
        limits: { majors: SPOKEN_MAJORS, minor: SPOKEN_MINOR, features: serverFeatures(ctx.deviceKeys), window: ctx.window, maxMessage: ctx.maxMessage },
        timeoutMs: ctx.helloTimeoutMs,
      },
      ctx.clock.mono(),
    );
  }

  get established(): boolean {
    return this.#hs.state === "established";
  }

  get deviceId(): Uint8Array | undefined {
    return this.#deviceId;
  }

  // ---- input ---------------------------------------------------------------

  /** One binary WebSocket message [WS-1]. */
  receive(bytes: Uint8Array): void {
    if (this.#inputClosed) return;
    try {
      this.#enqueue({ kind: "message", message: decodeMessage(bytes, { maxMessage: this.#ctx.maxMessage }) });
    } catch (e) {
      if (isProtocolError(e, "UNKNOWN_MESSAGE")) this.#enqueue({ kind: "unknown" });
      else this.#enqueue({ kind: "refused", error: isProtocolError(e) ? e : new ProtocolError("MALFORMED", "message does not decode") });
    }
  }

  /** [WS-1] a text message is MALFORMED. */
  receiveText(): void {
    if (this.#inputClosed) return;
    this.#enqueue({ kind: "refused", error: new ProtocolError("MALFORMED", "text message; Ferry sends binary messages only [WS-1]") });
  }

  /** The binding found a fault below the message layer (flood, oversized frame): Error, then close at once. */
  fail(name: ErrorName, detail: string): void {
    this.#fatal(name, detail);
  }

  /** [HS-15] Hello timeout, the first-flight grace and command retransmission [ACK-18], driven by the binding's clock sweep. */
  tick(monoNow: number): void {
    if (this.#closed || this.#helloInProgress) return;
    if (this.#replayDue && this.#replayDeadline !== undefined && monoNow >= this.#replayDeadline) this.#scheduleReplay();
    this.#retransmitCommands(monoNow);
    const timedOut = this.#hs.handleTimeout(monoNow);
    if (!timedOut) return;
    this.#offences.offence("HELLO_TIMEOUT", timedOut.error.message);
    this.#end("normal", "no Hello in time");
  }

  /** The vendor application queued a command for this device [CMD-11]. */
  commandsQueued(): void {
    if (this.#commands && !this.#replayDue && !this.#closed) this.#runCommands();
  }

  /** The transport is gone (peer closed, network lost, or our own close completed). */
  closed(): void {
    if (this.#summarised) return;
    this.#summarised = true;
    this.#inputClosed = true;
    this.#closed = true;
    this.#commands?.stop();
    if (this.#deviceId) this.#ctx.registry.remove(this.#deviceId, this);
    this.#offences.summarise();
  }

  /**
   * Graceful shutdown: take no more input, commit and acknowledge what was
   * received, and resolve when the acknowledgements are out; the caller then
   * closes with 1001 (going away) so the client resumes elsewhere or later.
   */
  drain(): Promise<void> {
    this.#inputClosed = true;
    this.#inbox.length = 0;
    this.#flush();
    return this.#chain;
  }

  /** Resolves when everything received so far has been handled and answered (tests). */
  async idle(): Promise<void> {
    do {
      while (this.#pumping || this.#flushQueued || this.#inbox.length > 0) await new Promise((r) => setImmediate(r));
      await this.#chain;
      await this.#commands?.settled();
    } while (this.#pumping || this.#flushQueued || this.#inbox.length > 0);
  }

  #enqueue(item: InboxItem): void {
    this.#inbox.push(item);
    void this.#pump();
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#inbox.length > 0 && !this.#inputClosed) {
        const item = this.#inbox.shift()!;
        if (item.kind === "message" && item.message.type === "hello" && this.#hs.state === "awaiting-hello") await this.#hello(item.message.hello);
        else this.#handle(item);
      }
    } catch (e) {
      this.#internal(e);
    } finally {
      this.#pumping = false;
    }
    // Everything of this socket read goes into one ingest request.
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => {
        this.#flushQueued = false;
        if (!this.#closed) this.#flush();
      });
    }
  }

  // ---- handshake -----------------------------------------------------------

  async #hello(hello: Hello): Promise<void> {
    this.#helloInProgress = true;
    try {
      // [SEC-1] a source that keeps failing authentication is slowed down first.
      if (this.#ctx.throttle.blocked()) return this.#fatal("RATE_LIMITED", "too many failed credentials from this address");
      await this.#prefetchCustody(hello);
      if (this.#closed) return;
      const step = this.#hs.handleMessage({ type: "hello", hello }, this.#ctx.clock.now() / 1000);
      if (step.kind === "failed") {
        if (step.error.errorName === "AUTH_FAILED") this.#ctx.throttle.failed();
        return this.#fatal(step.error.errorName, detailOf(step.error));
      }
      if (step.kind !== "established") return;
      const o = step.outcome;
      for (const m of step.send) this.#send(m);
      this.#deviceId = o.deviceId;
      this.#peerMinor = o.minor;
      this.#ctx.log.debug("session open", { device: hex(o.deviceId), session: hex(o.sessionId), resumed: o.resumed, refused: o.resumeRefused || undefined });
      if (o.features & Feature.commands) {
        this.#commands = new CommandSender({
          store: this.#ctx.store,
          deviceId: o.deviceId,
          window: o.window,
          peerMaxMessage: o.maxMessage,
          // A fresh session's id is new, so its set starts empty; a resumed one keeps its own.
          receivedInSession: this.#ctx.registry.receivedIn(o.sessionId),
          send: (m) => this.#send(m),
          now: () => this.#ctx.clock.now(),
          mono: () => this.#ctx.clock.mono(),
          retransmission: this.#ctx.commandRetransmission,
          tooLarge: (id, size) => this.#ctx.log.warn("command larger than the app's max_message held back", { device: hex(o.deviceId), id, size }),
        });
        this.#replayDue = true;
        // [HS-4] [HS-10] pending streams announce a first flight: replay waits for its Ack.
        this.#replayDeadline = o.pending.length > 0 ? this.#ctx.clock.mono() + FIRST_FLIGHT_GRACE_MS : undefined;
      }
      this.#ctx.registry.add(o.deviceId, this);
    } finally {
      this.#helloInProgress = false;
    }
  }

  /** [HS-4] custody of the pending streams, read before the handshake needs it synchronously; only for a Hello that authenticates. */
  async #prefetchCustody(hello: Hello): Promise<void> {
    if (hello.pending.length === 0 || hello.pending.some((k) => k.epoch === 0)) return;
    if (hello.deviceId.length === 0 || hello.deviceId.length > 16) return;
    if (this.#ctx.credentials.authenticate(hello.credential, hello.deviceId) !== "ok") return;
    const keys = [...new Map(hello.pending.map((k) => [streamKeyId(k), k])).values()];
    const acks = await this.#ctx.store.custody(hello.deviceId, keys);
    for (const a of acks) this.#prefetched.set(streamKeyId(a), a);
  }

  // ---- session messages ----------------------------------------------------

  #handle(item: InboxItem): void {
    if (item.kind === "refused") return this.#fatal(item.error.errorName, detailOf(item.error));
    if (item.kind === "unknown") {
      // [HS-1] nothing but a Hello opens a session.
      if (!this.established) return this.#fatal("UNEXPECTED_MESSAGE", "a message of unknown type before Hello [HS-1]");
      // [VER-6] a body from a later minor is ignored; otherwise UNKNOWN_MESSAGE, not fatal.
      if (this.#peerMinor > SPOKEN_MINOR) return;
      return this.#refuse("UNKNOWN_MESSAGE", "message body unknown to this version [VER-6]");
    }
    const step = this.#hs.handleMessage(item.message, this.#ctx.clock.now() / 1000);
    if (step.kind === "failed") return this.#fatal(step.error.errorName, detailOf(step.error));
    if (step.kind === "session") this.#sessionMessage(step.message);
  }

  #sessionMessage(m: Message): void {
    switch (m.type) {
      case "events":
        return this.#events(m.events);
      case "accounting":
        // [ENV-5] epochs are explicit on the server leg.
        if (m.accounting.epoch === 0) return this.#fatal("INVALID_FIELD", "accounting with epoch 0 on the server leg [ENV-5]");
        this.#pending.accountings.push(m.accounting);
        return;
      case "commandAck":
        return this.#commandAck(m.commandAck);
      case "error":
        // [ERR-8] never answered, never moves custody; logged once per code.
        this.#offences.peerError(m.error.code, m.error.detail);
        return;
      default:
        // [ENV-10] Ack, Command, WakeHint are not sent to a server.
        return this.#fatal("UNEXPECTED_MESSAGE", `${m.type} is not sent to a server [ENV-10]`);
    }
  }

  #events(run: EventRun): void {
    if (run.epoch === 0) return this.#fatal("INVALID_FIELD", "event run with epoch 0 on the server leg [ENV-5]");
    const admitted = this.#window.admit(run);
    if (admitted.run) {
      this.#pending.runs.push(admitted.run);
      this.#pending.events += admitted.run.payloads.length;
      this.#pending.bytes += admitted.run.payloads.reduce((n, p) => n + p.length, 0);
    }
    if (admitted.firstRefused !== undefined) {
      // [FLOW-8] discarded, not acknowledged: the sender keeps custody.
      const stream: StreamRef = { stream: run.stream, epoch: run.epoch, seq: admitted.firstRefused };
      this.#refuse("WINDOW_EXCEEDED", "events beyond the granted window were discarded [FLOW-8]", stream);
    }
  }

  #commandAck(ack: CommandAck): void {
    const deviceId = this.#deviceId!;
    this.#chain = this.#chain.then(async () => {
      if (this.#closed) return;
      try {
        await this.#ctx.store.settleCommands(deviceId, ack.ids, ack.outcome, ack.scope);
      } catch (e) {
        return this.#internal(e);
      }
      this.#commands?.acked(ack);
      if (!this.#replayDue) this.#runCommands();
    });
  }

  // ---- custody and acknowledgement ------------------------------------------

  /** Hands what was received to the committer; the Ack follows the commit [ACK-2] [ACK-15]. */
  #flush(): void {
    const batch = this.#pending;
    const submitted = batch.runs.length > 0 || batch.accountings.length > 0;
    if (submitted) {
      this.#pending = emptyPending();
      // [SEC-11] failed events go in as REJECTED accountings: acknowledged, never delivered.
      const checked = checkSignatures(batch.runs, this.#deviceId!, this.#ctx.deviceKeys);
      const request = { deviceId: this.#deviceId!, runs: checked.runs, accountings: batch.accountings, rejected: checked.rejected, nowMs: this.#ctx.clock.now() };
      const commit = this.#ctx.committer.submit(request);
      commit.catch(() => {}); // handled in order, in the chain below
      this.#chain = this.#chain.then(async () => {
        let outcome: IngestOutcome;
        try {
          outcome = await commit;
        } catch (e) {
          return this.#internal(e);
        }
        this.#acknowledge(batch, checked.firstBad, outcome);
      });
    }
    // [HS-12] [CMD-11] replayed commands follow the first flight's Ack.
    if (this.#replayDue && this.established && (submitted || this.#replayDeadline === undefined)) this.#scheduleReplay();
  }

  #scheduleReplay(): void {
    this.#replayDue = false;
    this.#replayDeadline = undefined;
    this.#chain = this.#chain.then(() => this.#runCommands());
  }

  /** `badSignatures`: the first failed event of each run whose signatures failed. */
  #acknowledge(batch: Pending, badSignatures: readonly StreamRef[], outcome: IngestOutcome): void {
    if (this.#closed) return;
    // [SEC-11] one SIGNATURE_INVALID per run with failed events, naming the first; the session goes on.
    for (const stream of badSignatures) {
      this.#refuse("SIGNATURE_INVALID", "device signature missing or not valid; the events were accounted REJECTED [SEC-11]", stream);
    }
    // [ACK-8] one SEQUENCE_CONFLICT per offending run; custody still covers the held identity.
    for (const stream of firstConflictPerRun(batch.runs, outcome.conflicts)) {
      this.#refuse("SEQUENCE_CONFLICT", "identity already held with a different payload; the stored event is kept [ACK-8]", stream);
    }
    // commands_pending is 0 on the WebSocket binding, where commands are pushed [CMD-12].
    this.#send({ type: "ack", ack: { streams: outcome.custody, scope: "hop", commandsPending: 0 } });
    this.#window.release(batch.events, batch.bytes);
  }

  #runCommands(): void {
    this.#commands?.fill().catch((e: unknown) => this.#internal(e));
  }

  /** [ACK-18] [CMD-14] resend the commands in flight, or, after the last expiry, close so the app resumes. */
  #retransmitCommands(monoNow: number): void {
    const expiry = this.#commands?.tick(monoNow);
    if (expiry === undefined) return;
    const device = this.#deviceId ? hex(this.#deviceId) : undefined;
    if (expiry === "give-up") {
      this.#ctx.log.warn("no CommandAck after the last retransmission timeout; closing so the app resumes", { device });
      return this.#end("going-away", "no CommandAck for the commands in flight [ACK-18]");
    }
    this.#ctx.log.debug("retransmitting commands in flight", { device, inFlight: this.#commands?.inFlight });
    this.#chain = this.#chain.then(() => this.#runCommands());
  }

  // ---- output --------------------------------------------------------------

  #send(m: Message): void {
    if (!this.#closed) this.#transport.send(m);
  }

  /** A non-fatal error: Error sent, connection stays [WS-7]. */
  #refuse(name: ErrorName, detail: string, stream?: StreamRef): void {
    if (isFatal(name)) return this.#fatal(name, detail, stream);
    this.#offences.offence(name, detail);
    this.#send({ type: "error", error: errorMessage(name, detail, stream) });
  }

  /** [WS-6] Error first, then close with the table's code; the rest of the input is dropped. */
  #fatal(name: ErrorName, detail: string, stream?: StreamRef): void {
    if (this.#closed) return;
    this.#offences.offence(name, detail);
    this.#send({ type: "error", error: errorMessage(name, detail, stream) });
    this.#end(name, detail);
  }

  /** The store failed: the peer keeps custody and retries later (INTERNAL 1011, STORAGE_FULL 4072). */
  #internal(e: unknown): void {
    if (this.#closed) return;
    const error = storeFailure(e);
    this.#ctx.log.error("session failed", { device: this.#deviceId ? hex(this.#deviceId) : undefined, error: String((e as Error)?.message ?? e) });
    this.#send({ type: "error", error: errorMessage(error.errorName, detailOf(error)) });
    this.#end(error.errorName, detailOf(error));
  }

  #end(reason: ErrorName | "normal" | "going-away", detail: string): void {
    this.#inputClosed = true;
    this.#inbox.length = 0;
    this.#transport.close(reason, detail);
    this.closed();
  }
}

function zeroAck(k: { stream: number; epoch: number }): StreamAck {
  return { stream: k.stream, epoch: k.epoch, nextSeq: 0n, received: [], accounted: [] };
}
