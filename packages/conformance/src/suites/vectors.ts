/**
 * The vectors suite: every golden vector of spec/vectors run against
 * @ferry/protocol. A vendor's own implementation runs the same files through
 * its own test harness (spec/vectors/README.md).
 */
import { checkVector, loadVectors } from "@ferry/protocol/vectors";

export interface CaseResult {
  id: string;
  file: string;
  requirements: string[];
  outcome: "pass" | "fail";
  detail?: string;
  expected?: unknown;
  actual?: unknown;
}

export interface SuiteRun {
  suite: string;
  results: CaseResult[];
}

/** Runs every vector of `dir`, or only those named in `only` or citing an id in it. */
export function runVectors(dir: string, onCase: (r: CaseResult) => void = () => {}, only: string[] = []): SuiteRun {
  const results: CaseResult[] = [];
  const selected = (name: string, ids: string[]) => only.length === 0 || only.includes(name) || ids.some((id) => only.includes(id));
  for (const file of loadVectors(dir)) {
    for (const v of file.vectors) {
      if (!selected(v.name, v.requirements)) continue;
      const check = checkVector(v);
      const result: CaseResult = check.ok
        ? { id: v.name, file: file.file, requirements: v.requirements, outcome: "pass" }
        : { id: v.name, file: file.file, requirements: v.requirements, outcome: "fail", detail: check.detail, expected: check.expected, actual: check.actual };
      results.push(result);
      onCase(result);
    }
  }
  return { suite: "vectors", results };
}
