/**
 * The receiving side of one direction (control indications, uplink
 * notifications): the protocol's Reassembler, then the Message decoder
 * [FRAG-8]..[FRAG-10] [ENV-7].
 *
 * What a fragment reveals comes out in order: its fragment errors first,
 * then the message its SDU completes, or the decoding error of that SDU
 * ("Errors a fragment reveals are reported before the SDU it completes").
 */
import { decodeMessage, isProtocolError, Reassembler, SDU_LENGTH_MAX } from "@ferry/protocol";
import type { Message, ProtocolError } from "@ferry/protocol";

export type Received = { kind: "message"; message: Message } | { kind: "fault"; error: ProtocolError };

/** [ENV-9] the app announces 16383 on the BLE leg and accepts SDUs up to that. */
export const APP_MAX_MESSAGE = SDU_LENGTH_MAX;

export class SduReceiver {
  readonly #reassembler: Reassembler;

  constructor(maxMessage: number = APP_MAX_MESSAGE) {
    this.#reassembler = new Reassembler({ maxMessage });
  }

  /** One ATT value (one fragment). */
  push(fragment: Uint8Array): Received[] {
    const { sdus, errors } = this.#reassembler.push(fragment);
    const out: Received[] = errors.map((error) => ({ kind: "fault", error }));
    for (const sdu of sdus) out.push(decode(sdu));
    return out;
  }

  /** The link ended: an SDU in progress is FRAGMENT_TRUNCATED; the counter goes back to 0 [GATT-12]. */
  end(): ProtocolError[] {
    return this.#reassembler.end().errors;
  }

  /** The app enabled the CCCD: the device's counter restarts at 0 [FRAG-5]. */
  reset(): void {
    this.#reassembler.reset();
  }

  get inProgress(): boolean {
    return this.#reassembler.inProgress;
  }
}

function decode(sdu: Uint8Array): Received {
  try {
    return { kind: "message", message: decodeMessage(sdu) };
  } catch (e) {
    // MALFORMED, UNKNOWN_MESSAGE or INVALID_FIELD from the codec: the SDU's own fault.
    if (isProtocolError(e)) return { kind: "fault", error: e };
    throw e;
  }
}
