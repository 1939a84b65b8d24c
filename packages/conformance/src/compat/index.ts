/** The protocol compatibility gate, as a library: `ferry-conformance compat` is its CLI. */
export { runCompat, type CompatOptions, type CompatReport } from "./gate.js";
export { loadBaseline, type Baseline, type BaselineChoice } from "./baseline.js";
export { runCompatCli, COMPAT_USAGE } from "./cli.js";
export { formatReport, FORMATS, type Format } from "./report.js";
export { CompatInputError, type Finding, type Severity } from "./finding.js";
export { parseChapter, requirementLevel, CHAPTER_FILE, type Requirement, type RequirementLevel } from "./requirements-parse.js";
