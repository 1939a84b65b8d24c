/**
 * Golden test vectors (spec/vectors): loading them and checking one against
 * this implementation. Shared by the vector tests and the conformance CLI.
 */
export type {
  CodecKind,
  CodecVector,
  DecodeVector,
  ExchangeStep,
  ExchangeVector,
  FragmentVector,
  Leg,
  Party,
  ReassembleVector,
  ReassemblyOutcome,
  RefuseVector,
  Vector,
  VectorFile,
  VectorKind,
} from "./types.js";
export { isRefuseVector } from "./types.js";
export { checkVector, type CheckResult } from "./check.js";
export { loadVectors, checkUniqueNames, type LoadedVectorFile } from "./load.js";
export { parseVectorFile, VectorFileError } from "./parse.js";
export { fromHex, toHex } from "./hex.js";
export { deviceInfoFromJson, deviceInfoToJson } from "./device-info-json.js";
