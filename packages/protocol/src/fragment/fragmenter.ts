/**
 * The sending half of BLE fragmentation [FRAG-1]: splits one SDU into
 * fragments of at most min(ATT_MTU - 3, 512) bytes and numbers them.
 *
 * One Fragmenter per characteristic and direction: it owns that flow's
 * counter, which starts at 0 on a new GATT connection (or CCCD enable) and
 * goes +1 mod 128 per fragment. Pure and sans-IO: it returns the fragments and
 * the driver writes or notifies them in order.
 */
import { GATT } from "../generated/spec.js";
import {
  CONTINUATION_HEADER_SIZE,
  COUNTER_MODULUS,
  firstHeaderSize,
  writeContinuationHeader,
  writeFirstHeader,
} from "./header.js";
import { checkMaxMessage, checkSduLength, fragmentCount, fragmentSize } from "./size.js";

export interface FragmenterOptions {
  /**
   * The largest SDU the peer accepts (its announced max_message); capped by
   * the 16383 bytes the length field can declare. Defaults to the spec's
   * default max message (4096) until the handshake says otherwise.
   */
  maxMessage?: number;
}

export class Fragmenter {
  #counter = 0;
  #maxMessage: number;

  constructor(options: FragmenterOptions = {}) {
    this.#maxMessage = checkMaxMessage(options.maxMessage ?? GATT.fragmentation.defaultMaxMessage);
  }

  /** The counter the next fragment will carry. */
  get counter(): number {
    return this.#counter;
  }

  get maxMessage(): number {
    return this.#maxMessage;
  }

  /** Applies the peer's announced max_message to the SDUs sent from now on. */
  setMaxMessage(maxMessage: number): void {
    this.#maxMessage = checkMaxMessage(maxMessage);
  }

  /**
   * Splits `sdu` for the given ATT MTU. Every fragment but the last is filled
   * to exactly min(MTU - 3, 512) bytes; several SDUs never share a fragment. The MTU is
   * an argument per SDU because an MTU change applies from the next SDU.
   * Throws a local ProtocolError (and leaves the counter untouched) when the
   * MTU is outside 23..517 or the SDU is empty or larger than allowed.
   */
  fragment(sdu: Uint8Array, attMtu: number): Uint8Array[] {
    checkSduLength(sdu.length, this.#maxMessage);
    const size = fragmentSize(attMtu);
    const count = fragmentCount(sdu.length, attMtu);
    const out: Uint8Array[] = [];
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const headerSize = i === 0 ? firstHeaderSize(sdu.length) : CONTINUATION_HEADER_SIZE;
      const take = Math.min(size - headerSize, sdu.length - offset);
      const frag = new Uint8Array(headerSize + take);
      if (i === 0) writeFirstHeader(frag, this.#counter, sdu.length);
      else writeContinuationHeader(frag, this.#counter);
      frag.set(sdu.subarray(offset, offset + take), headerSize);
      out.push(frag);
      offset += take;
      this.#counter = (this.#counter + 1) % COUNTER_MODULUS;
    }
    return out;
  }

  /** Back to counter 0: a new GATT connection or a re-enabled CCCD. */
  reset(): void {
    this.#counter = 0;
  }
}
