/**
 * Checks one golden vector against this implementation. Used by the vector
 * tests and by the conformance CLI, so it depends on nothing but the protocol
 * package: no test framework, no files.
 *
 * A codec vector is checked both ways: its bytes must decode to `decoded`
 * (or be refused with `error`), and `decoded` must encode back to exactly its
 * bytes unless the vector says the bytes are not canonical [ENV-7].
 */
import { isProtocolError } from "../errors.js";
import { Fragmenter, Reassembler, SDU_LENGTH_MAX } from "../fragment/index.js";
import { CODECS } from "./codecs.js";
import { fromHex, toHex } from "./hex.js";
import { sameJson } from "./same-json.js";
import {
  LEG_PARTIES,
  isRefuseVector,
  type CodecVector,
  type ExchangeVector,
  type FragmentVector,
  type ReassembleVector,
  type ReassemblyOutcome,
  type Vector,
} from "./types.js";

export type CheckResult = { ok: true } | { ok: false; expected: unknown; actual: unknown; detail: string };

const OK: CheckResult = Object.freeze({ ok: true });
const fail = (detail: string, expected: unknown, actual: unknown): CheckResult => ({ ok: false, expected, actual, detail });

/** What a thrown value says, in the vocabulary of vector files. */
function outcomeOf(e: unknown): { error: string; detail: string } {
  if (isProtocolError(e)) return { error: e.errorName, detail: e.message };
  return { error: "not a ProtocolError", detail: String(e) };
}

/** Never throws: anything unexpected (bad hex in an unparsed vector, a crash) is a failed check. */
export function checkVector(v: Vector): CheckResult {
  try {
    switch (v.kind) {
      case "fragment": return checkFragment(v);
      case "reassemble": return checkReassemble(v);
      case "exchange": return checkExchange(v);
      default: return checkCodec(v);
    }
  } catch (e) {
    return fail("running the check", "a result", outcomeOf(e));
  }
}

function checkCodec(v: CodecVector, where = ""): CheckResult {
  const codec = CODECS[v.kind];
  const opts = v.maxMessage === undefined ? {} : { maxMessage: v.maxMessage };
  let actual;
  try {
    actual = codec.bytesToJson(fromHex(v.hex), opts);
  } catch (e) {
    if (isRefuseVector(v)) {
      return isProtocolError(e, v.error) ? OK : fail(`${where}refusing the bytes`, { error: v.error }, outcomeOf(e));
    }
    return fail(`${where}decoding the bytes`, v.decoded, outcomeOf(e));
  }
  if (isRefuseVector(v)) return fail(`${where}refusing the bytes`, { error: v.error }, { decoded: actual });
  if (!sameJson(actual, v.decoded)) return fail(`${where}decoding the bytes`, v.decoded, actual);

  let encoded: Uint8Array;
  try {
    encoded = codec.jsonToBytes(v.decoded);
  } catch (e) {
    return fail(`${where}encoding the decoded form`, v.hex, outcomeOf(e));
  }
  if (v.canonical === false) {
    // Other bytes, same meaning: the canonical encoding must decode to it too.
    let again;
    try {
      again = codec.bytesToJson(encoded, {});
    } catch (e) {
      return fail(`${where}decoding the canonical encoding`, v.decoded, outcomeOf(e));
    }
    return sameJson(again, v.decoded) ? OK : fail(`${where}decoding the canonical encoding`, v.decoded, again);
  }
  const hex = toHex(encoded);
  return hex === v.hex ? OK : fail(`${where}encoding the decoded form`, v.hex, hex);
}

function checkFragment(v: FragmentVector): CheckResult {
  const fragmenter = new Fragmenter({ maxMessage: SDU_LENGTH_MAX });
  // A Fragmenter starts at counter 0; one-fragment SDUs move it to the
  // vector's starting counter through the public API alone.
  for (let i = 0; i < v.counter; i++) fragmenter.fragment(new Uint8Array(1), 23);
  let actual: string[];
  try {
    actual = fragmenter.fragment(fromHex(v.sdu), v.mtu).map(toHex);
  } catch (e) {
    return fail("fragmenting the SDU", v.fragments, outcomeOf(e));
  }
  return sameJson(actual, v.fragments) ? OK : fail("fragmenting the SDU", v.fragments, actual);
}

function checkReassemble(v: ReassembleVector): CheckResult {
  const reassembler = new Reassembler({ maxMessage: v.maxMessage });
  const actual: ReassemblyOutcome[] = [];
  for (const hex of v.fragments) {
    const { errors, sdus } = reassembler.push(fromHex(hex));
    // Within one fragment, errors (about the SDU before, or this fragment)
    // come before the SDU it completes, if any.
    for (const e of errors) actual.push({ error: e.errorName });
    for (const s of sdus) actual.push({ sdu: toHex(s) });
  }
  return sameJson(actual, v.expect) ? OK : fail("reassembling the fragments", v.expect, actual);
}

function checkExchange(v: ExchangeVector): CheckResult {
  const parties = LEG_PARTIES[v.leg];
  for (const [i, step] of v.steps.entries()) {
    const where = `step ${i + 1} (from ${step.from}): `;
    if (!parties.includes(step.from)) return fail(`${where}party`, parties, step.from);
    const result = checkCodec({ ...v, kind: "message", hex: step.hex, decoded: step.decoded }, where);
    if (!result.ok) return result;
  }
  return OK;
}
