/**
 * The receiving half of BLE fragmentation: checks counters and headers,
 * rebuilds SDUs, and resynchronises after any fragment error.
 *
 * One Reassembler per characteristic and direction. Pure and sans-IO: the
 * driver pushes each received ATT value (one fragment) and gets back the SDUs
 * it completed and the errors it revealed, both remote faults.
 *
 * Checks run in byte order, and a fragment reports at most two errors: one
 * about the flow (its counter, or an SDU cut short) and one about itself (its
 * length field, its size):
 *
 *  1. Empty fragment: FRAGMENT_HEADER_INVALID. No counter was received, so
 *     the expected counter stays as it was.
 *  2. Counter, d = (received - expected) mod 128: 127 FRAGMENT_DUPLICATE,
 *     1..63 FRAGMENT_LOST, 64..126 FRAGMENT_REORDERED. Whatever follows,
 *     expected becomes received + 1, so a sender that restarted its counter
 *     costs one error, not a run of them.
 *     A duplicate or reordered fragment is stale and goes no further. A first
 *     fragment that only reveals a loss is sound itself: it starts a new SDU
 *     (its own header checks still apply), so a loss costs the damaged SDU
 *     and no other.
 *  3. Otherwise, a first fragment while an SDU is incomplete: FRAGMENT_TRUNCATED
 *     for the old SDU, then the first fragment is processed normally. A
 *     continuation with no SDU in progress: FRAGMENT_TRUNCATED.
 *  4. First fragment's length field: 0, unterminated or longer than 2 bytes
 *     FRAGMENT_HEADER_INVALID; above maxMessage MESSAGE_TOO_LARGE.
 *  5. Bytes past the declared length: FRAGMENT_OVERRUN.
 *
 * Any error discards the partial SDU; continuations that follow are dropped
 * without further reports (the error already covers their SDU) until the next
 * first fragment. Counter errors among them are still reported.
 */
import { ProtocolError, type ErrorName } from "../errors.js";
import { GATT } from "../generated/spec.js";
import { CONTINUATION_HEADER_SIZE, COUNTER_MODULUS, counterOf, isFirst, readLengthField } from "./header.js";
import { checkMaxMessage } from "./size.js";

export interface ReassemblerOptions {
  /** The max_message this side announced; longer SDUs are MESSAGE_TOO_LARGE. Default 4096. */
  maxMessage?: number;
}

/** What one input revealed, in the order it happened. */
export interface ReassemblyResult {
  /** SDUs completed, each a fresh copy (at most one per fragment). */
  sdus: Uint8Array[];
  /** Remote-fault errors (at most two per fragment, see the file comment). */
  errors: ProtocolError[];
}

type State =
  | { kind: "idle" }
  | { kind: "assembling"; sdu: Uint8Array; filled: number }
  | { kind: "discarding" };

type CounterError = Extract<ErrorName, "FRAGMENT_LOST" | "FRAGMENT_DUPLICATE" | "FRAGMENT_REORDERED">;

/** The receiver's counter rule; undefined when the counter is the expected one. */
export function classifyCounter(received: number, expected: number): CounterError | undefined {
  const d = (((received - expected) % COUNTER_MODULUS) + COUNTER_MODULUS) % COUNTER_MODULUS;
  if (d === 0) return undefined;
  if (d === COUNTER_MODULUS - 1) return "FRAGMENT_DUPLICATE";
  return d < COUNTER_MODULUS / 2 ? "FRAGMENT_LOST" : "FRAGMENT_REORDERED";
}

export class Reassembler {
  readonly maxMessage: number;
  #expected = 0;
  #state: State = { kind: "idle" };

  constructor(options: ReassemblerOptions = {}) {
    this.maxMessage = checkMaxMessage(options.maxMessage ?? GATT.fragmentation.defaultMaxMessage);
  }

  /** The counter the next fragment should carry. */
  get expectedCounter(): number {
    return this.#expected;
  }

  /** True while an SDU has been started and not completed. */
  get inProgress(): boolean {
    return this.#state.kind === "assembling";
  }

  /** One received fragment (one ATT value). The bytes are copied, never kept. */
  push(fragment: Uint8Array): ReassemblyResult {
    const out: ReassemblyResult = { sdus: [], errors: [] };
    const byte0 = fragment[0];
    if (byte0 === undefined) {
      this.#fail(out, "FRAGMENT_HEADER_INVALID", "empty fragment");
      return out;
    }
    const counter = counterOf(byte0);
    const first = isFirst(byte0);
    const expected = this.#expected;
    this.#expected = (counter + 1) % COUNTER_MODULUS;

    const counterError = classifyCounter(counter, expected);
    if (counterError !== undefined) {
      this.#fail(out, counterError, `counter ${counter}, expected ${expected}`);
      if (!(first && counterError === "FRAGMENT_LOST")) return out;
    } else if (first && this.#state.kind === "assembling") {
      const { sdu, filled } = this.#state;
      this.#fail(out, "FRAGMENT_TRUNCATED", `first fragment ${counter} after ${filled} of ${sdu.length} bytes`);
    }
    if (first) this.#start(fragment, counter, out);
    else this.#continue(fragment, counter, out);
    return out;
  }

  /** The link closed (or the CCCD was disabled): an incomplete SDU is truncated. Then as reset(). */
  end(): ReassemblyResult {
    const out: ReassemblyResult = { sdus: [], errors: [] };
    if (this.#state.kind === "assembling") {
      const { sdu, filled } = this.#state;
      this.#fail(out, "FRAGMENT_TRUNCATED", `link closed after ${filled} of ${sdu.length} bytes`);
    }
    this.reset();
    return out;
  }

  /** Forget everything: expected counter 0, no SDU in progress (new connection). */
  reset(): void {
    this.#expected = 0;
    this.#state = { kind: "idle" };
  }

  #start(fragment: Uint8Array, counter: number, out: ReassemblyResult): void {
    const field = readLengthField(fragment);
    if (!field.ok) return this.#fail(out, "FRAGMENT_HEADER_INVALID", `first fragment ${counter}: ${field.reason}`);
    if (field.sduLength > this.maxMessage) {
      return this.#fail(out, "MESSAGE_TOO_LARGE", `SDU of ${field.sduLength} bytes, max ${this.maxMessage}`);
    }
    this.#state = { kind: "assembling", sdu: new Uint8Array(field.sduLength), filled: 0 };
    this.#append(fragment.subarray(field.headerSize), counter, out);
  }

  #continue(fragment: Uint8Array, counter: number, out: ReassemblyResult): void {
    if (this.#state.kind === "discarding") return;
    if (this.#state.kind === "idle") {
      return this.#fail(out, "FRAGMENT_TRUNCATED", `continuation ${counter} with no SDU in progress`);
    }
    this.#append(fragment.subarray(CONTINUATION_HEADER_SIZE), counter, out);
  }

  #append(bytes: Uint8Array, counter: number, out: ReassemblyResult): void {
    const state = this.#state;
    if (state.kind !== "assembling") return;
    if (state.filled + bytes.length > state.sdu.length) {
      const past = state.filled + bytes.length - state.sdu.length;
      return this.#fail(out, "FRAGMENT_OVERRUN", `fragment ${counter} runs ${past} bytes past ${state.sdu.length}`);
    }
    state.sdu.set(bytes, state.filled);
    state.filled += bytes.length;
    if (state.filled === state.sdu.length) {
      out.sdus.push(state.sdu);
      this.#state = { kind: "idle" };
    }
  }

  /** Report, discard the partial SDU, and wait for the next first fragment. */
  #fail(out: ReassemblyResult, name: ErrorName, detail: string): void {
    out.errors.push(new ProtocolError(name, detail));
    this.#state = { kind: "discarding" };
  }
}
