/**
 * Downlink on one connection [CMD-11] [FLOW-9]: sends the device's queued
 * commands in id order, within the window the app granted in its Hello,
 * skipping those already sent on this connection and, for a resumed
 * session, those the app acknowledged RECEIVED in it. A CommandAck frees
 * window room and the next commands follow.
 *
 * Reads of the queue are asynchronous; `fill()` calls never overlap (a call
 * during a fill schedules one more pass), so a command is never sent twice.
 */
import { encodeMessage, type Command, type CommandAck, type Message, type Window } from "@ferry/protocol";
import type { Store, StoredCommand } from "../store/store.js";
import { DEFAULT_MAX_MESSAGE } from "../config.js";

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
  /** A command too large for the app was held back. */
  tooLarge(id: bigint, size: number): void;
}

export class CommandSender {
  readonly #deps: CommandSenderDeps;
  readonly #inFlight = new Map<bigint, number>();
  readonly #sentHere = new Set<bigint>();
  #filling: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(deps: CommandSenderDeps) {
    this.#deps = deps;
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
    for (const id of ack.ids) {
      this.#inFlight.delete(id);
      if (ack.outcome === "received" && ack.scope === "hop") this.#deps.receivedInSession.add(id);
    }
  }

  async #run(): Promise<void> {
    do {
      this.#again = false;
      if (this.#stopped) return;
      const pending = await this.#deps.store.pendingCommands(this.#deps.deviceId, this.#deps.now());
      for (const c of pending) {
        if (this.#stopped) return;
        if (this.#sentHere.has(c.id) || this.#deps.receivedInSession.has(c.id)) continue;
        if (!this.#fits(c.payload.length)) break;
        this.#send(c);
      }
    } while (this.#again);
  }

  #send(c: StoredCommand): void {
    const command: Command = { id: c.id, payload: c.payload, ttlMs: this.#ttlLeft(c) };
    const message: Message = { type: "command", command };
    const size = encodeMessage(message).length;
    const limit = this.#deps.peerMaxMessage || DEFAULT_MAX_MESSAGE;
    this.#sentHere.add(c.id);
    // [ENV-8] never send a message longer than the peer accepts.
    if (size > limit) return this.#deps.tooLarge(c.id, size);
    this.#inFlight.set(c.id, c.payload.length);
    this.#deps.send(message);
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
