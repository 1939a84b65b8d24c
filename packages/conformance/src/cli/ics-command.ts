/** `ferry-conformance ics check FILE`: the capability statement against ics.schema.json and its rules [CONF-1]. */
import { readIcs } from "../ics/load.js";
import { UsageError } from "./options.js";

export function icsCommand(argv: string[], out: (t: string) => void, err: (t: string) => void): number {
  const [verb, file, ...rest] = argv;
  if (verb !== "check" || file === undefined || rest.length > 0) throw new UsageError("usage: ferry-conformance ics check FILE");
  const r = readIcs(file);
  if (!r.ok) {
    err(`${file}: not a valid capability statement (spec/schemas/ics.schema.json):\n${r.errors.map((e) => `  ${e}\n`).join("")}`);
    return 2;
  }
  const i = r.ics;
  out(`${file}: valid capability statement of ${i.implementation.name} ${i.implementation.version} (${i.implementation.vendor}): roles ${i.roles.join(", ")}; features ${i.features.join(", ") || "none"}; bindings ${i.bindings.join(", ")}\n`);
  return 0;
}
