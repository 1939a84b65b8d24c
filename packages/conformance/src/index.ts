/**
 * @ferry/conformance: checks Ferry implementations against the spec. The
 * `ferry-conformance` CLI is the entry point; the suites are usable as a
 * library too.
 */
export { runVectors, type CaseResult, type SuiteRun } from "./suites/vectors.js";
export { defaultVectorsDir } from "./paths.js";
export * from "./compat/index.js";
export * from "./runner/case.js";
export { registerSuite, registerReference, type Suite } from "./runner/registry.js";
export type { ServerTarget, CommandTarget, Target } from "./targets/index.js";
export { checkReport } from "./report/validate.js";
