/**
 * The device's command state [CMD-9]: the highest id taken and the
 * outcomes of the latest commands, kept in flash, so that a command is
 * carried out at most once and a duplicate gets its true outcome.
 */
import type { CommandOutcome } from "@ferry/protocol";
import type { DurableCommands } from "../flash/image.js";

export type CommandTake = { duplicate: false } | { duplicate: true; outcome: CommandOutcome };

export class CommandLog {
  #highest: bigint;
  #outcomes: Array<{ id: bigint; outcome: CommandOutcome }>;
  readonly #keep: number;

  constructor(state: DurableCommands, keep: number) {
    this.#highest = state.highestId;
    this.#outcomes = state.outcomes.slice(-keep);
    this.#keep = keep;
  }

  get highestId(): bigint {
    return this.#highest;
  }

  /**
   * Commands reach a device in increasing id order [CMD-10], so an id not
   * above the highest one taken is one the device has seen (or one the
   * server settled without sending): a duplicate, answered with the
   * recorded outcome, or RECEIVED when the record is gone.
   */
  take(id: bigint): CommandTake {
    if (id <= this.#highest) return { duplicate: true, outcome: this.#outcomes.find((o) => o.id === id)?.outcome ?? "received" };
    this.#highest = id;
    return { duplicate: false };
  }

  record(id: bigint, outcome: CommandOutcome): void {
    this.#outcomes = [...this.#outcomes.filter((o) => o.id !== id), { id, outcome }].slice(-this.#keep);
  }

  toDurable(): DurableCommands {
    return { highestId: this.#highest, outcomes: this.#outcomes.map((o) => ({ ...o })) };
  }
}
