/**
 * invalid-fragments.json: fragment sequences with a fault, what a receiver
 * must report, and that it resynchronises at the next first fragment. The
 * expected outcomes are derived by hand from the receiver rules:
 *
 *   d = (received - expected) mod 128: 0 ok, 127 DUPLICATE, 1..63 LOST,
 *   64..126 REORDERED; then expected = received + 1. Any error discards the
 *   partial SDU; continuations are dropped silently until the next first
 *   fragment. A first fragment whose counter only reveals a loss starts a
 *   new SDU (so a loss costs only the damaged SDU).
 */
import { hex, type About } from "./build.js";
import { counting } from "./fixtures.js";
import { error, reassembleVector, sdu, split } from "./fragment-build.js";
import type { VectorGroup } from "./group.js";

const MAX = 512;
const about = (name: string, description: string, requirements: string[]): About => ({ name, description, requirements });

/** A: 45 bytes at MTU 23 in three fragments, counters 0, 1, 2 (18 + 19 + 8 bytes). */
const A = counting(45);
const [A0, A1, A2] = split(A, 23, 0) as [Uint8Array, Uint8Array, Uint8Array];
/** One-fragment SDUs of 5 bytes, at a given counter. */
const B = counting(5, 0xb0);
const b = (counter: number) => split(B, 23, counter)[0]!;
const X = hex("78");
const Y = hex("79");
const x = (counter: number) => split(X, 23, counter)[0]!;
const y = (counter: number) => split(Y, 23, counter)[0]!;

export const invalidFragments: VectorGroup = {
  file: "invalid-fragments.json",
  group: "invalid-fragments",
  description: "Fragment sequences a receiver (expected counter 0, max_message 512) must answer with a fragment error, each followed by a sound SDU to show the receiver resynchronises. A is a 45-byte SDU in three fragments at MTU 23 (counters 0, 1, 2); B a 5-byte SDU in one fragment.",
  vectors: () => [
    reassembleVector(about("fragment-lost-continuation", "A's second fragment is lost: its third (counter 2, expected 1) reveals the loss; B at counter 3 is delivered.", ["FRAG-8", "FRAG-10"]), MAX, [A0, A2, b(3)], [error("FRAGMENT_LOST"), sdu(B)]),
    reassembleVector(about("fragment-lost-first-fragment", "A's first fragment is lost: its second (counter 1, expected 0) reveals the loss, its third is dropped silently, B at counter 3 is delivered.", ["FRAG-8", "FRAG-10"]), MAX, [A1, A2, b(3)], [error("FRAGMENT_LOST"), sdu(B)]),
    reassembleVector(about("fragment-lost-whole-sdu", "A one-fragment SDU at counter 1 is lost between x (0) and y (2): y reveals the loss and is itself delivered.", ["FRAG-8", "FRAG-10"]), MAX, [x(0), y(2)], [sdu(X), error("FRAGMENT_LOST"), sdu(Y)]),
    reassembleVector(about("fragment-duplicate-continuation", "A's second fragment arrives twice: the duplicate (counter 1, expected 2) discards A, A's third is dropped, B at counter 3 is delivered.", ["FRAG-8", "FRAG-10"]), MAX, [A0, A1, A1, A2, b(3)], [error("FRAGMENT_DUPLICATE"), sdu(B)]),
    reassembleVector(about("fragment-duplicate-sdu", "A one-fragment SDU arrives twice: delivered once, the copy reported; y at counter 1 is delivered.", ["FRAG-8", "FRAG-10"]), MAX, [x(0), x(0), y(1)], [sdu(X), error("FRAGMENT_DUPLICATE"), sdu(Y)]),
    reassembleVector(
      about("fragment-reordered", "A's second and third fragments swap: counter 2 (expected 1) is a loss, counter 1 (expected 3) is reordered, then B at counter 3 (expected 2) is a loss again but starts a sound SDU; x at 4 follows without error.", ["FRAG-8", "FRAG-10"]),
      MAX, [A0, A2, A1, b(3), x(4)], [error("FRAGMENT_LOST"), error("FRAGMENT_REORDERED"), error("FRAGMENT_LOST"), sdu(B), sdu(X)],
    ),
    reassembleVector(about("fragment-truncated-by-first-fragment", "B's first fragment (counter 2) arrives while A lacks its third: A is truncated, B delivered.", ["FRAG-9", "FRAG-10"]), MAX, [A0, A1, b(2)], [error("FRAGMENT_TRUNCATED"), sdu(B)]),
    reassembleVector(about("fragment-truncated-orphan-continuation", "A continuation (counter 0) with no SDU in progress, then B at counter 1.", ["FRAG-9"]), MAX, [hex("00 01 02 03"), b(1)], [error("FRAGMENT_TRUNCATED"), sdu(B)]),
    reassembleVector(
      about("fragment-overrun-continuation", "A first fragment declares 30 bytes and carries 18; the continuation carries 19 where 12 remain; B at counter 2 is delivered.", ["FRAG-9", "FRAG-10"]),
      MAX, [Uint8Array.of(0x80, 30, ...counting(18)), Uint8Array.of(0x01, ...counting(19, 18)), b(2)], [error("FRAGMENT_OVERRUN"), sdu(B)],
    ),
    reassembleVector(about("fragment-overrun-first", "A first fragment declares 3 bytes and carries 5; B at counter 1 is delivered.", ["FRAG-9"]), MAX, [hex("80 03 01 02 03 04 05"), b(1)], [error("FRAGMENT_OVERRUN"), sdu(B)]),
    reassembleVector(about("fragment-header-length-zero", "A first fragment declaring length 0, then its continuation (dropped silently), then B at counter 2.", ["FRAG-9", "FRAG-10"]), MAX, [hex("80 00 01 02"), hex("01 03 04"), b(2)], [error("FRAGMENT_HEADER_INVALID"), sdu(B)]),
    reassembleVector(about("fragment-header-length-three-bytes", "A length field of 3 bytes (80 80 80 ...): at most 2 are allowed. B at counter 1 is delivered.", ["FRAG-9"]), MAX, [hex("80 80 80 01 01 02"), b(1)], [error("FRAGMENT_HEADER_INVALID"), sdu(B)]),
    reassembleVector(about("fragment-header-length-unterminated", "A first fragment that ends inside its length field (80 80). B at counter 1 is delivered.", ["FRAG-9"]), MAX, [hex("80 80"), b(1)], [error("FRAGMENT_HEADER_INVALID"), sdu(B)]),
    reassembleVector(about("fragment-empty", "An empty fragment between x (0) and y (1): no counter arrived, so y at 1 is the expected one and no loss is reported.", ["FRAG-9"]), MAX, [x(0), new Uint8Array(0), y(1)], [sdu(X), error("FRAGMENT_HEADER_INVALID"), sdu(Y)]),
    reassembleVector(
      about("fragment-too-large", "A first fragment declaring 600 bytes (d8 04) to a receiver whose max_message is 512; its continuation is dropped; B at counter 2 is delivered.", ["FRAG-9", "FRAG-10", "ENV-8"]),
      MAX, [Uint8Array.of(0x80, 0xd8, 0x04, ...counting(17)), Uint8Array.of(0x01, ...counting(19, 17)), b(2)], [error("MESSAGE_TOO_LARGE"), sdu(B)],
    ),
  ],
};
