/**
 * Reads a vector file's JSON into typed vectors, refusing (with the path of
 * the first problem) anything the checker could misread. The full contract
 * is spec/schemas/vectors.schema.json; this is the subset the checker relies
 * on, so the loader needs no schema validator at run time.
 */
import { errorInfo, ErrorCode, type ErrorName } from "../errors.js";
import { isHex } from "./hex.js";
import { CODEC_KINDS, LEG_PARTIES, type CodecKind, type Leg, type Vector, type VectorFile } from "./types.js";

const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const REQUIREMENT = /^[A-Z]{2,5}-[0-9]+$/;

export class VectorFileError extends Error {
  override name = "VectorFileError";
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isErrorName = (v: unknown): v is ErrorName => typeof v === "string" && Object.hasOwn(ErrorCode, v) && errorInfo(ErrorCode[v as ErrorName]) !== undefined;
const isUint = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function need(ok: boolean, where: string, what: string): asserts ok {
  if (!ok) throw new VectorFileError(`${where}: ${what}`);
}

function hexList(v: unknown, where: string): void {
  need(Array.isArray(v) && v.every(isHex), where, "want an array of lowercase hex strings");
}

function parseVector(v: unknown, where: string): Vector {
  need(isObj(v), where, "a vector is an object");
  need(typeof v.name === "string" && NAME.test(v.name), `${where}.name`, "want kebab-case");
  need(typeof v.description === "string", `${where}.description`, "want a string");
  need(Array.isArray(v.requirements) && v.requirements.every((r) => typeof r === "string" && REQUIREMENT.test(r)), `${where}.requirements`, "want ids like ENV-1");
  switch (v.kind) {
    case "fragment":
      need(isUint(v.mtu) && isUint(v.counter) && (v.counter as number) < 128, where, "want mtu and counter (0..127)");
      need(isHex(v.sdu), `${where}.sdu`, "want hex");
      hexList(v.fragments, `${where}.fragments`);
      break;
    case "reassemble":
      need(isUint(v.maxMessage), `${where}.maxMessage`, "want an integer");
      hexList(v.fragments, `${where}.fragments`);
      need(Array.isArray(v.expect) && v.expect.every((e) => isObj(e) && (isHex(e.sdu) || isErrorName(e.error))), `${where}.expect`, "want {sdu: hex} or {error: NAME} items");
      break;
    case "exchange": {
      const parties = LEG_PARTIES[v.leg as Leg] as readonly unknown[] | undefined;
      need(parties !== undefined, `${where}.leg`, "want app-server or app-device");
      need(Array.isArray(v.steps) && v.steps.length > 0, `${where}.steps`, "want a non-empty array");
      v.steps.forEach((s: unknown, i: number) => {
        need(isObj(s) && parties.includes(s.from) && isHex(s.hex) && s.decoded !== undefined, `${where}.steps[${i}]`, "want from, hex and decoded");
      });
      break;
    }
    default:
      need(CODEC_KINDS.includes(v.kind as CodecKind), `${where}.kind`, `unknown kind ${String(v.kind)}`);
      need(isHex(v.hex), `${where}.hex`, "want hex");
      need((v.decoded === undefined) !== (v.error === undefined), where, "want exactly one of decoded and error");
      need(v.error === undefined || isErrorName(v.error), `${where}.error`, "want an error name of spec/errors.json");
      need(v.maxMessage === undefined || isUint(v.maxMessage), `${where}.maxMessage`, "want an integer");
      need(v.canonical === undefined || (v.canonical === false && v.decoded !== undefined), `${where}.canonical`, "only false, on a decoded vector");
  }
  return v as unknown as Vector;
}

/** Parses one file's JSON; `source` names it in error messages. */
export function parseVectorFile(json: unknown, source: string): VectorFile {
  need(isObj(json), source, "a vector file is an object");
  need(typeof json.group === "string" && typeof json.description === "string", source, "want group and description");
  need(Array.isArray(json.vectors), `${source}.vectors`, "want an array");
  const vectors = json.vectors.map((v, i) => parseVector(v, `${source}.vectors[${i}]`));
  return { $schema: String(json.$schema ?? ""), group: json.group, description: json.description, vectors };
}
