/** `ferry-conformance cases`: every registered case with its level, role, requirements and needs. */
import { parseArgs } from "node:util";
import type { Role } from "../runner/case.js";
import { registeredSuites } from "../runner/registry.js";
import { registerBuiltins } from "../suites/index.js";
import { UsageError } from "./options.js";

export function casesCommand(argv: string[], out: (t: string) => void): number {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, allowPositionals: false, options: { role: { type: "string" }, format: { type: "string", default: "text" } } }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const role = values.role as Role | undefined;
  if (role !== undefined && !["server", "device", "app"].includes(role)) throw new UsageError(`--role must be server, device or app, not ${role}`);
  if (values.format !== "text" && values.format !== "json") throw new UsageError(`--format must be text or json, not ${values.format}`);
  registerBuiltins();
  const rows = registeredSuites(role).flatMap((s) =>
    s.cases.map((c) => ({ id: c.id, role: c.role, level: c.level, requirements: [...c.cites], title: c.title, suite: s.name, ...(s.simulated && { simulated: true }), ...(c.property && { property: true }), needs: { features: [...(c.needs?.features ?? [])], bindings: [...(c.needs?.bindings ?? [])] } })),
  );
  if (values.format === "json") {
    out(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  for (const r of rows) {
    const needs = [...r.needs.features, ...r.needs.bindings];
    out(`${r.id.padEnd(14)} ${r.level.padEnd(6)} ${r.role.padEnd(6)} [${r.requirements.join(", ")}]${r.property ? " property" : ""}${needs.length ? ` needs ${needs.join(", ")}` : ""}\n    ${r.title}\n`);
  }
  out(`${rows.length} cases\n`);
  return 0;
}
