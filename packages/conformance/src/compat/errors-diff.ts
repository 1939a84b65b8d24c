/**
 * The error table (spec/errors.json), baseline against working tree. Codes
 * are stable and open: a minor may add codes [VER-8], an unknown code is
 * logged [ERR-8]; removing a code, giving it another name, or changing what a
 * receiver does with it (fault, action, WebSocket close code, HTTP status)
 * breaks peers that act on it.
 */
import { ALL_PEERS, finding, type Finding } from "./finding.js";
import { lineOf } from "./json-lines.js";
import { isRecord, type JsonFile } from "./spec-files.js";

const FILE = "errors.json";
const BEHAVIOUR = ["fault", "action", "websocketClose", "httpStatus"];

function entries(file: JsonFile): Map<number, Record<string, unknown>> {
  const list = isRecord(file.value) && Array.isArray(file.value.errors) ? file.value.errors.filter(isRecord) : [];
  return new Map(list.filter((e) => typeof e.code === "number").map((e) => [e.code as number, e]));
}

export function diffErrors(before: JsonFile | undefined, after: JsonFile | undefined): Finding[] {
  if (!before && !after) return [];
  if (!after) return [finding({ file: FILE, location: "/", rule: "ERRORS_TABLE_REMOVED", severity: "breaking", message: "errors.json was removed", breaks: ALL_PEERS })];
  if (!before) return [finding({ file: FILE, line: 1, location: "/", rule: "ERRORS_TABLE_ADDED", severity: "additive", message: "errors.json was added" })];
  const out: Finding[] = [];
  const b = entries(before);
  const a = entries(after);
  const afterList = [...a.keys()];
  const pointer = (code: number) => `/errors/${afterList.indexOf(code)}`;
  for (const [code, be] of b) {
    const ae = a.get(code);
    const location = `errors[${code}]`;
    if (!ae) {
      out.push(finding({ file: FILE, line: lineOf(after.lines, "/errors"), location, rule: "ERROR_CODE_REMOVED", severity: "breaking", message: `error code ${code} (${String(be.name)}) was removed; codes are never reused`, breaks: ALL_PEERS }));
      continue;
    }
    if (ae.name !== be.name) {
      out.push(finding({ file: FILE, line: lineOf(after.lines, `${pointer(code)}/name`), location, rule: "ERROR_CODE_RENAMED", severity: "breaking", message: `error code ${code} changed name from ${String(be.name)} to ${String(ae.name)}; vectors and implementations name errors`, breaks: ALL_PEERS }));
    }
    for (const key of BEHAVIOUR) {
      if (ae[key] === be[key]) continue;
      out.push(finding({ file: FILE, line: lineOf(after.lines, `${pointer(code)}/${key}`), location: `${location}.${key}`, rule: "ERROR_BEHAVIOUR_CHANGED", severity: "breaking", message: `error ${String(be.name)} (${code}) ${key} changed from ${String(be[key])} to ${String(ae[key])}`, breaks: ALL_PEERS }));
    }
  }
  for (const [code, ae] of a) {
    if (!b.has(code)) out.push(finding({ file: FILE, line: lineOf(after.lines, pointer(code)), location: `errors[${code}]`, rule: "ERROR_CODE_ADDED", severity: "additive", message: `error code ${code} (${String(ae.name)}) was added` }));
  }
  return out;
}
