/**
 * fragments.json: exactly what a sender writes for an SDU at a given ATT MTU
 * and counter [FRAG-1], and fault-free reassembly a receiver must accept.
 */
import { encodeMessage } from "../../src/codec/binary.js";
import { hex, type About } from "./build.js";
import { AUDIO_FRAMES, AUDIO_RUN, BULK_SAMPLE, counting } from "./fixtures.js";
import { fragmentVector, reassembleVector, sdu, split } from "./fragment-build.js";
import type { VectorGroup } from "./group.js";

const about = (name: string, description: string, requirements: string[]): About => ({ name, description, requirements });

const bulk = encodeMessage(BULK_SAMPLE);
const audio = encodeMessage(AUDIO_RUN);
const audioPayload = AUDIO_FRAMES.reduce((n, f) => n + f.length, 0);
const audioAir = split(audio, 247, 0).reduce((n, f) => n + f.length, 0);
const audioFragments = split(audio, 247, 0).length;
const percent = (x: number) => (Math.floor(x * 1000) / 10).toFixed(1);

export const fragments: VectorGroup = {
  file: "fragments.json",
  group: "fragments",
  description: "BLE fragmentation: the exact fragments a sender writes for an SDU at an ATT MTU (23 to 517) from a given counter, and fault-free fragment sequences a receiver reassembles. Fragments hold at most F = min(MTU - 3, 512) bytes; a first fragment is 0x80|counter, the SDU length as a 1- or 2-byte LEB128 varint, then bytes; a continuation is the counter, then bytes.",
  vectors: () => [
    fragmentVector(about("fragment-1-byte-mtu-23", "A one-byte SDU: first fragment 0x80|0, length 1, the byte.", ["FRAG-3"]), 23, 0, hex("2a")),
    fragmentVector(about("fragment-bulk-sample-mtu-23", `The ${bulk.length}-byte bulk sample message at the smallest MTU: a 20-byte first fragment (2-byte header) and a continuation.`, ["FRAG-2", "FRAG-3", "FRAG-4", "FRAG-6"]), 23, 0, bulk),
    fragmentVector(about("fragment-bulk-sample-mtu-27", `The bulk sample message at MTU 27 (24-byte fragments): two fragments.`, ["FRAG-2", "FRAG-3", "FRAG-4", "FRAG-6"]), 27, 0, bulk),
    fragmentVector(
      about("fragment-bulk-sample-mtu-185", `The bulk sample message at MTU 185: one fragment of ${bulk.length + 2} bytes, so a 16-byte sample costs ${bulk.length + 2 - 16} bytes of overhead on the BLE leg (${bulk.length - 16} in the message, 2 of fragment header), within the 12-byte target.`, ["FRAG-2", "FRAG-6", "ENV-1"]),
      185, 0, bulk,
    ),
    fragmentVector(about("fragment-fills-one-mtu-23", "18 bytes at MTU 23: header 2 + 18 = 20 bytes, exactly one full fragment.", ["FRAG-2", "FRAG-6"]), 23, 0, counting(18)),
    fragmentVector(about("fragment-one-past-full-mtu-23", "19 bytes at MTU 23: one byte more than a fragment holds, so a full first fragment and a 2-byte continuation.", ["FRAG-2", "FRAG-4", "FRAG-6"]), 23, 0, counting(19)),
    fragmentVector(about("fragment-300-bytes-mtu-23", "300 bytes at MTU 23: length field ac 02, a first fragment of 17 bytes of SDU, then continuations of 19.", ["FRAG-3", "FRAG-4", "FRAG-6"]), 23, 0, counting(300)),
    fragmentVector(about("fragment-127-bytes-mtu-185", "127 bytes, the longest SDU with a 1-byte length field (7f).", ["FRAG-3"]), 185, 0, counting(127)),
    fragmentVector(about("fragment-128-bytes-mtu-185", "128 bytes, the shortest SDU with a 2-byte length field (80 01): header 3.", ["FRAG-3"]), 185, 0, counting(128)),
    fragmentVector(about("fragment-241-bytes-mtu-247", "241 bytes at MTU 247: header 3 + 241 = 244 bytes, exactly one full fragment.", ["FRAG-2", "FRAG-6"]), 247, 0, counting(241)),
    fragmentVector(about("fragment-244-bytes-mtu-247", "244 bytes at MTU 247: a full first fragment and a 4-byte continuation.", ["FRAG-2", "FRAG-6"]), 247, 0, counting(244)),
    fragmentVector(
      about("fragment-audio-run-mtu-247", `The ${audio.length}-byte audio run (${AUDIO_FRAMES.length} frames of 160 bytes) at MTU 247: ${audioFragments} notifications, ${audioAir} bytes, of which ${audioPayload} are audio: ${percent(audioPayload / audioAir)}% efficiency (target 97%).`, ["FRAG-2", "FRAG-6", "ENV-1"]),
      247, 0, audio,
    ),
    fragmentVector(about("fragment-1000-bytes-mtu-512", "1000 bytes at MTU 512 (509-byte fragments).", ["FRAG-2", "FRAG-6"]), 512, 0, counting(1000, 7)),
    fragmentVector(about("fragment-4096-bytes-mtu-512", "4096 bytes, the default max_message, at MTU 512.", ["FRAG-2", "FRAG-6", "ENV-8"]), 512, 0, counting(4096)),
    fragmentVector(about("fragment-16383-bytes-mtu-517", `16383 bytes, the largest SDU the length field can declare (ff 7f), at the largest MTU: ${split(counting(16383), 517, 0).length} fragments of at most 512 bytes (F = min(MTU - 3, 512)).`, ["FRAG-2", "FRAG-3", "FRAG-7"]), 517, 0, counting(16383, 3)),
    fragmentVector(about("fragment-mtu-516-capped-at-512", "1030 bytes at MTU 516: MTU - 3 would be 513, but an attribute value holds at most 512 bytes, so fragments of 512, 512 and 9.", ["FRAG-2", "FRAG-6"]), 516, 0, counting(1030, 0x21)),
    fragmentVector(about("fragment-mtu-515-exactly-512", "1030 bytes at MTU 515, where MTU - 3 is exactly 512: the same fragments as at 516 and 517.", ["FRAG-2", "FRAG-6"]), 515, 0, counting(1030, 0x21)),
    fragmentVector(about("fragment-counter-127", "A one-byte SDU sent at counter 127: first byte ff.", ["FRAG-5"]), 23, 127, hex("2a")),
    fragmentVector(about("fragment-counter-wrap", "100 bytes at MTU 27 from counter 126: counters 126, 127, 0, 1, 2 (+1 mod 128).", ["FRAG-5"]), 27, 126, counting(100, 0x40)),
    fragmentVector(about("fragment-counter-wrap-mtu-517", "2000 bytes at MTU 517 from counter 125: counters 125, 126, 127, 0.", ["FRAG-5", "FRAG-6"]), 517, 125, counting(2000, 0x99)),
    reassembleVector(about("reassemble-two-sdus", "A 45-byte SDU in three fragments (counters 0..2), then a 5-byte SDU at counter 3: both delivered.", ["FRAG-8"]), 512, [...split(counting(45), 23, 0), ...split(counting(5, 0xa0), 23, 3)], [sdu(counting(45)), sdu(counting(5, 0xa0))]),
    reassembleVector(
      about("reassemble-counter-wrap", "130 one-byte SDUs at counters 0..127, 0, 1: the counter wraps without an error.", ["FRAG-5", "FRAG-8"]),
      512,
      Array.from({ length: 130 }, (_, i) => Uint8Array.of(0x80 | (i % 128), 1, i & 0xff)),
      Array.from({ length: 130 }, (_, i) => sdu(Uint8Array.of(i & 0xff))),
    ),
    reassembleVector(
      about("reassemble-two-byte-length-of-small-sdu", "A first fragment declaring length 5 in the 2-byte form (85 00): the field is 1 or 2 bytes and 1..16383, so receivers accept it though senders write 05.", ["FRAG-11"]),
      512, [hex("80 85 00 01 02 03 04 05")], [sdu(hex("01 02 03 04 05"))],
    ),
    reassembleVector(
      about("reassemble-header-only-continuation", "A continuation of one byte (the counter, no SDU bytes) in the middle of an SDU: not empty, so accepted; senders never write it.", ["FRAG-11"]),
      512, [hex("80 04 01 02"), hex("01"), hex("02 03 04")], [sdu(hex("01 02 03 04"))],
    ),
  ],
};
