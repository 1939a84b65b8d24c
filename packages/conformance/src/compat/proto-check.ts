/**
 * The .proto files, baseline against working tree: wire and JSON
 * compatibility by `buf breaking` (WIRE_JSON, from proto/buf.yaml) with buf's
 * rule ids kept, plus Ferry's own descriptor checks (proto-additions.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ALL_PEERS, CompatInputError, finding, type Finding } from "./finding.js";
import { diffDescriptors } from "./proto-additions.js";
import { breakingChanges, buildImage, DEFAULT_BUF_CONFIG, imagePathIn, type BufAnnotation } from "./proto-buf.js";
import { readImage } from "./proto-descriptors.js";
import { listTree, readText } from "./spec-files.js";

/** buf rules that only the proto3 JSON form notices (names); the others break the binary wire too. */
const JSON_ONLY = new Set(["ENUM_SAME_JSON_FORMAT", "ENUM_VALUE_SAME_NAME", "FIELD_SAME_JSON_NAME", "FIELD_SAME_NAME", "MESSAGE_SAME_JSON_FORMAT", "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED", "FIELD_NO_DELETE_UNLESS_NAME_RESERVED"]);
const JSON_READERS = ["apps and servers using the proto3 JSON form (HTTP batch)"];

const hasProtos = (specDir: string) => listTree(specDir, "proto").some((f) => f.endsWith(".proto"));

function fromBuf(a: BufAnnotation): Finding {
  // buf names the subject in its message: `field "2" with name "first_seq" on message "EventRun"`.
  const owner = /on (?:message|enum) "([^"]+)"/.exec(a.message)?.[1];
  const member = /with name "([^"]+)"/.exec(a.message)?.[1];
  return finding({
    file: `proto/${a.path ?? ""}`,
    ...(a.start_line ? { line: a.start_line } : {}),
    location: owner ? (member ? `${owner}.${member}` : owner) : (a.path ?? ""),
    rule: a.type,
    severity: "breaking",
    // The links buf appends to some messages are the same every time.
    message: a.message.replace(/\s+See https:\/\/\S+ for .*$/, ""),
    breaks: JSON_ONLY.has(a.type) ? JSON_READERS : ALL_PEERS,
  });
}

export function checkProto(beforeDir: string, afterDir: string): Finding[] {
  const before = hasProtos(beforeDir);
  const after = hasProtos(afterDir);
  if (!before && !after) return [];
  if (!after) return [finding({ file: "proto", location: "proto/", rule: "PROTO_FILES_REMOVED", severity: "breaking", message: "every .proto file was removed", breaks: ALL_PEERS })];
  // Both trees are checked under the working tree's rules.
  const config = readText(afterDir, "proto/buf.yaml") ?? readText(beforeDir, "proto/buf.yaml") ?? DEFAULT_BUF_CONFIG;
  const tmp = mkdtempSync(join(tmpdir(), "ferry-compat-proto-"));
  try {
    const compileErrors = buildImage(join(afterDir, "proto"), config, imagePathIn(tmp, "after"));
    if (compileErrors) {
      return compileErrors.map((e) => finding({ file: `proto/${e.path ?? ""}`, ...(e.start_line ? { line: e.start_line } : {}), location: e.path ?? "", rule: "PROTO_COMPILE_ERROR", severity: "error", message: e.message }));
    }
    const afterIndex = readImage(imagePathIn(tmp, "after"));
    if (!before) return diffDescriptors(new Map(), afterIndex);
    const baselineErrors = buildImage(join(beforeDir, "proto"), config, imagePathIn(tmp, "before"));
    if (baselineErrors) throw new CompatInputError(`the baseline's .proto files do not build: ${baselineErrors.map((e) => `${e.path}:${e.start_line}: ${e.message}`).join("; ")}`);
    const buf = breakingChanges(imagePathIn(tmp, "after"), imagePathIn(tmp, "before"), config, tmp).map(fromBuf);
    return [...buf, ...diffDescriptors(readImage(imagePathIn(tmp, "before")), afterIndex)];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
