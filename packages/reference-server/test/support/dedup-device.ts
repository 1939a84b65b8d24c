/**
 * The device end of commands as [CMD-9] asks, for tests: it keeps the
 * highest id it has taken and the outcome of each, carries out a command
 * only when its id is above that, and answers a duplicate with the outcome
 * it recorded. With it, a command the server resends [CMD-14] is carried
 * out exactly once.
 */
import type { Command, CommandAck, CommandOutcome } from "@ferry/protocol";

export class DedupDevice {
  #highest = 0n;
  readonly #outcomes = new Map<bigint, CommandOutcome>();
  /** Ids carried out, in order: each at most once. */
  readonly executed: bigint[] = [];

  /** Takes a Command and returns the CommandAck the device sends (end to end [CMD-5]). */
  take(command: Command): CommandAck {
    if (command.id <= this.#highest) {
      return { ids: [command.id], outcome: this.#outcomes.get(command.id) ?? "received", scope: "end-to-end" };
    }
    this.#highest = command.id;
    this.executed.push(command.id);
    this.#outcomes.set(command.id, "executed");
    return { ids: [command.id], outcome: "executed", scope: "end-to-end" };
  }
}
