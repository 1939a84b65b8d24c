/**
 * BLE fragmentation and reassembly [FRAG-1]: the public surface of
 * src/fragment. Every Ferry message on the control, uplink and downlink
 * characteristics is an SDU carried in numbered fragments of at most
 * min(ATT_MTU - 3, 512) bytes.
 */
export { Fragmenter, type FragmenterOptions } from "./fragmenter.js";
export { Reassembler, classifyCounter, type ReassemblerOptions, type ReassemblyResult } from "./reassembler.js";
export {
  CONTINUATION_HEADER_SIZE,
  COUNTER_MODULUS,
  SDU_LENGTH_MAX,
  firstHeaderSize,
  lengthFieldSize,
} from "./header.js";
export { checkAttMtu, fragmentCount, fragmentSize, headerBytes } from "./size.js";
