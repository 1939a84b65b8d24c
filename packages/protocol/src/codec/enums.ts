/**
 * Enum values between wire numbers and the core's names. Priority, Reason,
 * Scope and CommandOutcome are closed within a major version: an unknown
 * number is INVALID_FIELD [VER-5].
 */
import { ProtocolError } from "../errors.js";
import type { CommandOutcome, Priority, Reason, Role, Scope } from "../message.js";

function closedEnum<T extends string>(field: string, names: readonly T[]) {
  return {
    name(n: number | null | undefined): T {
      const v = names[n ?? 0];
      if (v === undefined) throw new ProtocolError("INVALID_FIELD", `${field} has unknown value ${n}`);
      return v;
    },
    number(name: T): number {
      return names.indexOf(name);
    },
  };
}

export const PRIORITY = closedEnum<Priority>("priority", ["bulk", "realtime", "critical"]);
export const SCOPE = closedEnum<Scope>("scope", ["hop", "end-to-end"]);
export const OUTCOME = closedEnum<CommandOutcome>("outcome", ["received", "executed", "expired", "rejected"]);
const REASONS = closedEnum<Reason | "unspecified">("reason", ["unspecified", "expired", "overflow", "rejected", "lost"]);

export const REASON = {
  name(n: number | null | undefined): Reason {
    const r = REASONS.name(n);
    // [ACK-10] REASON_UNSPECIFIED is never valid on the wire.
    if (r === "unspecified") throw new ProtocolError("INVALID_FIELD", "accounted range without a reason");
    return r;
  },
  number: (r: Reason) => REASONS.number(r),
};

const ROLES = ["unspecified", "device", "app", "server"] as const;
export const ROLE = {
  // Role is informational: an unknown role reads as unspecified and the
  // handshake decides whether that is acceptable.
  name: (n: number | null | undefined): Role | "unspecified" => ROLES[n ?? 0] ?? "unspecified",
  number: (r: Role | "unspecified") => ROLES.indexOf(r),
};
