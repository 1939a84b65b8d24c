/**
 * Builders for fragmentation vectors [FRAG-1]. Sender output comes from the
 * Fragmenter; what a receiver must report is written by hand in each
 * definition (from the rules of spec/DESIGN.md) and only checked against the
 * Reassembler when the generator runs, so the vectors do not merely record
 * what this implementation happens to do.
 */
import type { ErrorName } from "../../src/errors.js";
import { Fragmenter, SDU_LENGTH_MAX } from "../../src/fragment/index.js";
import { toHex } from "../../src/vectors/hex.js";
import type { FragmentVector, ReassembleVector } from "../../src/vectors/types.js";
import type { About } from "./build.js";

/** A fragmenter whose next fragment carries `counter` (advanced through one-fragment SDUs). */
export function fragmenterAt(counter: number): Fragmenter {
  const f = new Fragmenter({ maxMessage: SDU_LENGTH_MAX });
  for (let i = 0; i < counter; i++) f.fragment(new Uint8Array(1), 23);
  return f;
}

/** The fragments of `sdu` at `mtu`, the first numbered `counter`. */
export function split(sdu: Uint8Array, mtu: number, counter: number): Uint8Array[] {
  return fragmenterAt(counter).fragment(sdu, mtu);
}

export function fragmentVector(about: About, mtu: number, counter: number, sdu: Uint8Array): FragmentVector {
  return { ...about, kind: "fragment", mtu, counter, sdu: toHex(sdu), fragments: split(sdu, mtu, counter).map(toHex) };
}

export type Outcome = { sdu: Uint8Array } | { error: ErrorName };
export const sdu = (bytes: Uint8Array): Outcome => ({ sdu: bytes });
export const error = (name: ErrorName): Outcome => ({ error: name });

export function reassembleVector(about: About, maxMessage: number, fragments: Uint8Array[], expect: Outcome[]): ReassembleVector {
  return {
    ...about,
    kind: "reassemble",
    maxMessage,
    fragments: fragments.map(toHex),
    expect: expect.map((o) => ("sdu" in o ? { sdu: toHex(o.sdu) } : o)),
  };
}
