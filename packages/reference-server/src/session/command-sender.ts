/**
 * Downlink on one connection [CMD-11] [FLOW-9]: sends the device's queued
 * commands in id order, within the window the app granted in its Hello,
 * skipping those already sent on this connection and, for a resumed
 * session, those the app acknowledged RECEIVED in it. A CommandAck frees
 * window room and the next commands follow.
 *
 * Commands in flight are retransmitted on the timer of [ACK-18] [CMD-14]:
 * `tick` reports an expiry, and the resend pass sends again, in send order,
 * each command still in flight that is still pending (one settled or
 * expired meanwhile leaves flight instead [CMD-13] [CMD-6]); a CommandAck
 * of the app naming a command in flight is the progress that restarts the
 * timer [CMD-7]. The device's dedup makes a resent command harmless [CMD-9].
 *
 * Reads of the queue are asynchronous; passes never overlap (a call during a
 * pass schedules one more), so a command is sent once per pass at most.
 */
import { encodeMessage, type Command, type CommandAck, type Message, type Window } from "@ferry/protocol";
import type { Store, StoredCommand } from "../store/store.js";
import { DEFAULT_MAX_MESSAGE } from "../config.js";
import { RetransmissionTimer, type Expiry, type RetransmissionPolicy } from "./retransmission-timer.js";

export interface CommandSenderDeps {
  store: Pick<Store, "pendingCommands">;
  deviceId: Uint8Array;
  /** The app's grant for commands (Hello.window or the default) [FLOW-2]. */
  window: Window;
  /** The app's max_message; 0: 1 MiB [ENV-8]. */
  peerMaxMessage: number;
  /** Ids acknowledged RECEIVED (hop) in this session: not replayed [CMD-11]. */
  receivedInSession: Set<bigint>;
  send(message: Message): void;
  /** Wall clock, ms since the Unix epoch. */
  now(): number;
  /** Monotonic ms: the retransmission timer. */
  mono(): number;
  /** The timer's policy; default WebSocket's [ACK-18]. */
  retransmission?: RetransmissionPolicy | undefined;
  /** A command too large for the app was held back. */
  tooLarge(id: bigint, size: number): void;
}

export class CommandSender {
  readonly #deps: CommandSenderDeps;
  readonly #inFlight = new Map<bigint, number>();
  readonly #sentHere = new Set<bigint>();
  readonly #timer: RetransmissionTimer;
  #filling: Promise<void> | undefined;
  #again = false;
  #resendDue = false;
  #stopped = false;

  constructor(deps: CommandSenderDeps) {
    this.#deps = deps;
    this.#timer = new RetransmissionTimer(deps.retransmission);
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Resolves when no fill is running. */
  async settled(): Promise<void> {
    while (this.#filling) await this.#filling.catch(() => {});
  }

  stop(): void {
    this.#stopped = true;
    this.#timer.stop();
  }

  /**
   * [ACK-18] At each clock tick: "resend" when the timer expired (the resend
   * pass is scheduled: await `fill()` for it), "give-up" at the last expiry
   * in a row, when the caller must close the connection.
   */
  tick(monoNow: number): Expiry | undefined {
    if (this.#stopped) return undefined;
    const expiry = this.#timer.poll(monoNow);
    if (expiry === "resend") this.#resendDue = true;
    return expiry;
  }

  /** Sends what the queue holds and the window allows; resolves when this pass (and any it scheduled) is done. */
  fill(): Promise<void> {
    if (this.#filling) {
      this.#again = true;
      return this.#filling;
    }
    this.#filling = this.#run().finally(() => {
      this.#filling = undefined;
    });
    return this.#filling;
  }

  /** A CommandAck from the app: its ids leave flight [FLOW-9]; RECEIVED (hop) ones are not replayed in this session [CMD-11]. */
  acked(ack: CommandAck): void {
    let progress = false;
    for (const id of ack.ids) {
      if (this.#inFlight.delete(id)) progress = true;
      if (ack.outcome === "received" && ack.scope === "hop") this.#deps.receivedInSession.add(id);
    }
    // [CMD-7] a CommandAck of the receiving hop stands for an Ack: the timer restarts [ACK-18].
    if (progress) this.#timer.progress(this.#deps.mono(), this.#inFlight.size > 0);
  }

  async #run(): Promise<void> {
    do {
      this.#again = false;
      if (this.#stopped) return;
      const pending = await this.#deps.store.pendingCommands(this.#deps.deviceId, this.#deps.now());
      if (this.#stopped) return;
      if (this.#resendDue) this.#resend(pending);
      for (const c of pending) {
        if (this.#stopped) return;
        if (this.#sentHere.has(c.id) || this.#deps.receivedInSession.has(c.id)) continue;
        if (!this.#fits(c.payload.length)) break;
        this.#send(c);
      }
    } while (this.#again);
  }

  #send(c: StoredCommand): void {
    const message = this.#message(c);
    const size = encodeMessage(message).length;
    const limit = this.#deps.peerMaxMessage || DEFAULT_MAX_MESSAGE;
    this.#sentHere.add(c.id);
    // [ENV-8] never send a message longer than the peer accepts.
    if (size > limit) return this.#deps.tooLarge(c.id, size);
    this.#inFlight.set(c.id, c.payload.length);
    this.#timer.sent(this.#deps.mono());
    this.#deps.send(message);
  }

  /** [ACK-18] Everything still in flight again, in send order, with the time left now [CMD-6]. */
  #resend(pending: readonly StoredCommand[]): void {
    this.#resendDue = false;
    const byId = new Map(pending.map((c) => [c.id, c]));
    for (const id of [...this.#inFlight.keys()]) {
      const c = byId.get(id);
      // Settled or expired since it was sent: it leaves flight, never resent [CMD-13] [CMD-6].
      if (c === undefined) this.#inFlight.delete(id);
      else this.#deps.send(this.#message(c));
    }
    if (this.#inFlight.size === 0) this.#timer.stop();
  }

  #message(c: StoredCommand): Message {
    const command: Command = { id: c.id, payload: c.payload, ttlMs: this.#ttlLeft(c) };
    return { type: "command", command };
  }

  /** [CMD-6] the time left, relative; 0 means no expiry. */
  #ttlLeft(c: StoredCommand): number {
    if (c.expiresAtMs === undefined) return 0;
    return Math.max(1, Math.ceil(c.expiresAtMs - this.#deps.now()));
  }

  /** [FLOW-9] [FLOW-1] [FLOW-4] [FLOW-5] */
  #fits(size: number): boolean {
    const w = this.#deps.window;
    if (this.#inFlight.size + 1 > w.events) return false;
    let bytes = 0;
    for (const b of this.#inFlight.values()) bytes += b;
    return bytes + size <= w.bytes || (this.#inFlight.size === 0 && w.bytes > 0);
  }
}
