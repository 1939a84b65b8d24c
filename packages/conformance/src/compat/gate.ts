/**
 * The compatibility gate: the working tree's spec against a baseline, change
 * by change (proto, GATT table, error table, requirement ids, JSON Schemas),
 * then the version rule, then the changeset check. The verdict fails when any
 * finding fails.
 */
import { isAbsolute, join, relative, sep } from "node:path";
import { editorialIds } from "./changelog.js";
import { checkChangesets } from "./changesets.js";
import { diffErrors } from "./errors-diff.js";
import { CompatInputError, type Finding } from "./finding.js";
import { diffGatt } from "./gatt-diff.js";
import { checkProto } from "./proto-check.js";
import { formatVersion, readVersionFile } from "./protocol-version.js";
import { releasedReference } from "./releases.js";
import { diffRequirements, readRequirements } from "./requirements-diff.js";
import { diffSchemas } from "./schema-diff.js";
import { readJson, readText } from "./spec-files.js";
import { lineOf } from "./json-lines.js";
import { applyVersionRule } from "./version-rule.js";
import type { Baseline } from "./baseline.js";

export interface CompatOptions {
  /** The working tree's spec directory. */
  specDir: string;
  baseline: Baseline;
  /** A package change without a changeset fails instead of warning. */
  requireChangesets?: boolean;
  /** Paths in the report are relative to this directory (default: the process's). */
  cwd?: string;
}

export interface CompatReport {
  spec: { dir: string; version?: string };
  baseline: { kind: Baseline["kind"]; label: string; version: string; released?: string };
  verdict: "pass" | "fail";
  findings: Finding[];
}

const SEVERITY_ORDER = ["error", "breaking", "additive", "warning", "info"];

export function runCompat(options: CompatOptions): CompatReport {
  const { specDir, baseline } = options;
  const before = baseline.dir;
  const baselineVersion = readVersionFile(before);
  if (!baselineVersion) throw new CompatInputError(`the baseline (${baseline.label}) has no readable version.json`);
  const working = readVersionFile(specDir);
  const released = baseline.kind === "release" ? baselineVersion.version : releasedReference(specDir, baselineVersion.version);

  const changes: Finding[] = [
    ...checkProto(before, specDir),
    ...diffGatt(readJson(before, "gatt.json"), readJson(specDir, "gatt.json")),
    ...diffErrors(readJson(before, "errors.json"), readJson(specDir, "errors.json")),
    ...diffRequirements(readRequirements(before), readRequirements(specDir), {
      ...(working ? { workingVersion: formatVersion(working.version) } : {}),
      editorial: editorialIds(readText(specDir, "CHANGELOG.md"), released),
    }),
    ...diffSchemas(before, specDir),
  ];
  const rules = applyVersionRule(changes, {
    baseline: baselineVersion,
    working,
    workingLine: lineOf(readJson(specDir, "version.json")?.lines, "/protocol"),
    released,
    changelog: readText(specDir, "CHANGELOG.md"),
  });
  const changesets = baseline.git ? checkChangesets(baseline.git.repo, baseline.git.commit, options.requireChangesets ?? false) : [];

  const cwd = options.cwd ?? process.cwd();
  const display = (file: string) => relative(cwd, isAbsolute(file) ? file : join(specDir, file)).split(sep).join("/");
  const findings = [...changes, ...rules, ...changesets]
    .map((f) => ({ ...f, file: display(f.file) }))
    .sort((x, y) => Number(y.fails) - Number(x.fails) || SEVERITY_ORDER.indexOf(x.severity) - SEVERITY_ORDER.indexOf(y.severity) || x.file.localeCompare(y.file) || (x.line ?? 0) - (y.line ?? 0));
  return {
    spec: { dir: display(specDir) || ".", ...(working ? { version: formatVersion(working.version) } : {}) },
    baseline: { kind: baseline.kind, label: baseline.label, version: formatVersion(baselineVersion.version), ...(released ? { released: formatVersion(released) } : {}) },
    verdict: findings.some((f) => f.fails) ? "fail" : "pass",
    findings,
  };
}
