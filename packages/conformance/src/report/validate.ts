/**
 * The validation layer after report.schema.json [CONF-12]: @ferry/protocol's
 * validateReport checks the schema and the rules the schema names (summary
 * counts equal the outcomes, coverage is the inverse of the cases'
 * requirements, case ids unique); this adds what a report of this toolkit
 * must also hold: a failure names a requirement its case cites, and every
 * requirement id exists in spec/requirements.json.
 */
import { validateReport } from "@ferry/protocol";
import type { Report } from "./model.js";
import { requirementIndex } from "./spec-files.js";

export function checkReport(report: unknown): { ok: true } | { ok: false; errors: string[] } {
  const schema = validateReport(report);
  if (!schema.ok) return schema;
  const r = report as Report;
  const known = requirementIndex();
  const errors: string[] = [];
  r.cases.forEach((c, i) => {
    for (const req of c.requirements) if (!known.has(req)) errors.push(`/cases/${i}/requirements: ${req} is not a requirement of spec/requirements.json`);
    if (c.failure && !c.requirements.includes(c.failure.requirement)) errors.push(`/cases/${i}/failure/requirement: ${c.failure.requirement} is not among the case's requirements`);
  });
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}
