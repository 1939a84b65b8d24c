/**
 * Ferry's own proto checks, beside buf's: what was added (so that the version
 * rule can demand a minor, [VER-8]), values added to a closed enum ([VER-5]),
 * and the removals buf does not see under WIRE_JSON: a message or enum that
 * disappeared (renamed, or no longer referenced), a field or enum value whose
 * number is now reserved. [VER-8] forbids removing a field in a minor even
 * when the wire would not notice.
 */
import { ALL_PEERS, finding, type Finding, type Severity } from "./finding.js";
import { isReserved, type ProtoIndex, type TypeIndex } from "./proto-descriptors.js";

/** The closed enums of [VER-5]: a value a receiver does not know is INVALID_FIELD. */
export const CLOSED_ENUMS = new Set(["Priority", "Reason", "Scope", "CommandOutcome"]);

const shortName = (t: TypeIndex) => t.fullName.slice(t.fullName.lastIndexOf(".") + 1);

export function diffDescriptors(before: ProtoIndex, after: ProtoIndex): Finding[] {
  const out: Finding[] = [];
  const add = (t: TypeIndex, line: number | undefined, location: string, rule: string, severity: Severity, message: string) =>
    out.push(finding({ file: `proto/${t.file}`, line, location, rule, severity, message, breaks: ALL_PEERS }));

  for (const [name, b] of before) {
    const a = after.get(name);
    if (!a || a.kind !== b.kind) {
      const rule = b.kind === "message" ? "PROTO_MESSAGE_REMOVED" : "PROTO_ENUM_REMOVED";
      add(b, undefined, name, rule, "breaking", `${b.kind} ${name} was removed or renamed: code generated from the .proto and every field of its type break`);
      continue;
    }
    const member = a.kind === "message" ? "field" : "enum value";
    for (const [n, m] of b.members) {
      if (a.members.has(n) || !isReserved(a, n)) continue; // an unreserved removal is buf's finding
      const rule = a.kind === "message" ? "PROTO_FIELD_REMOVED" : "PROTO_ENUM_VALUE_REMOVED";
      add(a, a.line, `${name}.${m.name}`, rule, "breaking", `${member} ${m.name} = ${n} of ${name} was removed (its number is reserved, so the wire is safe, but peers relied on it) [VER-8]`);
    }
    for (const [n, m] of a.members) {
      if (b.members.has(n)) continue;
      if (a.kind === "enum" && CLOSED_ENUMS.has(shortName(a))) {
        add(a, m.line, `${name}.${m.name}`, "PROTO_CLOSED_ENUM_VALUE_ADDED", "breaking", `value ${m.name} = ${n} added to the closed enum ${name}: receivers of the baseline refuse it as INVALID_FIELD [VER-5]`);
      } else {
        add(a, m.line, `${name}.${m.name}`, a.kind === "message" ? "PROTO_FIELD_ADDED" : "PROTO_ENUM_VALUE_ADDED", "additive", `${member} ${m.name} = ${n} added to ${name}`);
      }
    }
  }
  for (const [name, a] of after) {
    if (before.get(name)?.kind === a.kind) continue;
    add(a, a.line, name, a.kind === "message" ? "PROTO_MESSAGE_ADDED" : "PROTO_ENUM_ADDED", "additive", `${a.kind} ${name} was added`);
  }
  return out;
}
