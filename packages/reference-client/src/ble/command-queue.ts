/**
 * Commands going down to one device on one connection, sans-IO
 * [CMD-6] [CMD-10] [FLOW-9] [ACK-18].
 *
 * - In increasing id order, one at a time: the next goes only after the
 *   device's CommandAck of the previous one, whatever its outcome [CMD-10].
 * - Only with FEATURE_COMMANDS in effect and within the device's
 *   max_message; otherwise the app settles the command itself, REJECTED with
 *   SCOPE_HOP [CMD-10].
 * - Within the window the device granted in its Welcome [FLOW-9]; a zero
 *   window stops commands [FLOW-5].
 * - The TTL is relative: a deadline on this hop's clock, the time left sent
 *   on; a command whose deadline has passed is not sent but settled EXPIRED
 *   with SCOPE_HOP [CMD-6] [CMD-5].
 * - The command in flight is resent after 5 s, then 10 s, 20 s (up to
 *   60 s); after the third expiry in a row the connection is closed [ACK-18].
 */
import { encodeMessage, Feature } from "@ferry/protocol";
import type { Command, CommandAck, Window } from "@ferry/protocol";

/** [ACK-18] on the GATT binding: 5 s, doubling to 60 s; the third expiry closes the connection. */
export const COMMAND_RETRANSMIT = Object.freeze({ initialMs: 5_000, maxMs: 60_000, expiries: 3 });

interface Held {
  id: bigint;
  payload: Uint8Array;
  /** Absent: never expires. */
  deadline?: number;
}

export interface CommandTerms {
  /** Welcome.features, the bits in effect [VER-7]. */
  features: number;
  /** The device's grant for commands [FLOW-2]. */
  window: Window;
  /** The device's max_message, 0 already read as 4096 [ENV-8]. */
  maxMessage: number;
}

export type CommandPoll = { send?: Command; settled: CommandAck[] };

export class CommandQueue {
  #queue: Held[] = [];
  #inFlight: (Held & { retransmitAt: number }) | undefined;
  /** Ids sent on this connection: only their CommandAcks are surfaced [CMD-4]. */
  #sent = new Set<bigint>();
  #terms: CommandTerms | undefined;
  #rto: number = COMMAND_RETRANSMIT.initialMs;
  #expiries = 0;
  readonly #initialRto: number;

  constructor(retransmitMs: number = COMMAND_RETRANSMIT.initialMs) {
    this.#initialRto = retransmitMs;
    this.#rto = retransmitMs;
  }

  /** A command to carry; `ttlMs` is the time it has left now (0: none). Repeats of a held id are ignored. */
  add(command: Command, now: number): void {
    if (this.#inFlight?.id === command.id || this.#queue.some((c) => c.id === command.id)) return;
    const held: Held = { id: command.id, payload: command.payload, ...(command.ttlMs > 0 && { deadline: now + command.ttlMs }) };
    const at = this.#queue.findIndex((c) => c.id > command.id);
    this.#queue.splice(at < 0 ? this.#queue.length : at, 0, held);
  }

  /** The Welcome arrived: commands may flow under these terms. */
  open(terms: CommandTerms): void {
    this.#terms = terms;
  }

  get inFlight(): bigint | undefined {
    return this.#inFlight?.id;
  }

  /** What to send now (at most one command), and what the app settles itself. */
  poll(now: number): CommandPoll {
    const out: CommandPoll = { settled: [] };
    const terms = this.#terms;
    if (!terms) return out;
    while (!this.#inFlight && this.#queue.length > 0) {
      if (terms.window.events < 1 || terms.window.bytes < 1) break; // [FLOW-5]
      const next = this.#queue.shift()!;
      const command = this.#command(next, now);
      const outcome = !(terms.features & Feature.commands)
        ? "rejected"
        : command === undefined
          ? "expired"
          : encodeMessage({ type: "command", command }).length > terms.maxMessage
            ? "rejected"
            : undefined;
      if (outcome) {
        out.settled.push({ ids: [next.id], outcome, scope: "hop" });
        continue;
      }
      this.#inFlight = { ...next, retransmitAt: now + this.#rto };
      this.#sent.add(next.id);
      out.send = command!;
    }
    return out;
  }

  /** A CommandAck from the device: its ids that name commands sent here, or undefined [CMD-4]. */
  handleAck(ack: CommandAck): CommandAck | undefined {
    const ids = ack.ids.filter((i) => this.#sent.has(i));
    if (ids.length === 0) return undefined;
    if (this.#inFlight && ids.includes(this.#inFlight.id)) {
      this.#inFlight = undefined;
      this.#rto = this.#initialRto;
      this.#expiries = 0;
    }
    return { ...ack, ids };
  }

  pollTimeout(): number | undefined {
    return this.#inFlight?.retransmitAt;
  }

  /**
   * The retransmission timer [ACK-18]: the command to send again, "close"
   * after the third expiry in a row, or undefined when nothing is due. A
   * command that expired meanwhile is settled EXPIRED instead.
   */
  handleTimeout(now: number): Command | CommandAck | "close" | undefined {
    const f = this.#inFlight;
    if (!f || now < f.retransmitAt) return undefined;
    if (++this.#expiries >= COMMAND_RETRANSMIT.expiries) return "close";
    return this.resend(now, true);
  }

  /** Sends the command in flight again (after a fragment error the device reported [ACK-17]). */
  resend(now: number, backOff = false): Command | CommandAck | undefined {
    const f = this.#inFlight;
    if (!f) return undefined;
    if (backOff) this.#rto = Math.min(this.#rto * 2, COMMAND_RETRANSMIT.maxMs);
    f.retransmitAt = now + this.#rto;
    const command = this.#command(f, now);
    if (command) return command;
    this.#inFlight = undefined;
    return { ids: [f.id], outcome: "expired", scope: "hop" };
  }

  /** With the time left now [CMD-6]; undefined when the deadline has passed. */
  #command(h: Held, now: number): Command | undefined {
    if (h.deadline === undefined) return { id: h.id, payload: h.payload, ttlMs: 0 };
    const left = Math.floor(h.deadline - now);
    return left < 1 ? undefined : { id: h.id, payload: h.payload, ttlMs: Math.min(left, 0xffff_ffff) };
  }
}
