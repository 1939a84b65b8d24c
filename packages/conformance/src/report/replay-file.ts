/**
 * One replay file per failure, in the report directory: everything
 * `ferry-conformance replay FILE` needs to run that case again exactly (case,
 * seed, fast-check path, runs, target and its options) and what it found.
 * The credential is never written: a run that got it on the command line
 * asks for it again (--credential), one that read it from an ICS reads it again.
 */
import { readFileSync } from "node:fs";
import type { Role } from "../runner/case.js";
import type { CaseResult } from "../runner/run.js";
import { TOOL } from "./spec-files.js";

/** How the run reached its target: the options of `run` that name it. */
export interface TargetOptions {
  role: Role;
  url?: string | undefined;
  http?: string | undefined;
  cmd?: string | undefined;
  /** Absolute path of the capability statement. */
  ics?: string | undefined;
  device?: string | undefined;
  device2?: string | undefined;
  foreignDevice?: string | undefined;
  queueCommand?: string | undefined;
  /** The credential came from --credential and is not stored. */
  credentialGiven?: boolean | undefined;
  /** The target was the reference implementation the toolkit started. */
  reference?: boolean | undefined;
}

export interface ReplayFile {
  tool: { name: string; version: string };
  case: string;
  role: Role;
  seed: number;
  runs: number;
  path?: string | undefined;
  timeoutMs: number;
  target: TargetOptions;
  failure: { requirement: string; expected: string; actual: string };
}

export function replayFileOf(r: CaseResult, run: { runs: number; timeoutMs: number; target: TargetOptions }): ReplayFile {
  const f = r.failure!;
  return {
    tool: { ...TOOL },
    case: r.case.id,
    role: r.case.role,
    seed: f.seed,
    runs: run.runs,
    ...(f.path && { path: f.path }),
    timeoutMs: run.timeoutMs,
    target: run.target,
    failure: { requirement: f.requirement, expected: f.expected, actual: f.actual },
  };
}

export function readReplayFile(path: string): ReplayFile {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`cannot read replay file ${path}: ${(e as Error).message}`);
  }
  const f = value as Partial<ReplayFile>;
  const problems: string[] = [];
  if (typeof f.case !== "string") problems.push("case");
  if (f.role !== "server" && f.role !== "device" && f.role !== "app") problems.push("role");
  if (!Number.isInteger(f.seed)) problems.push("seed");
  if (!Number.isInteger(f.runs) || (f.runs ?? 0) < 1) problems.push("runs");
  if (!Number.isInteger(f.timeoutMs)) problems.push("timeoutMs");
  if (typeof f.target !== "object" || f.target === null) problems.push("target");
  if (f.path !== undefined && !/^[0-9]+(?::[0-9]+)*$/.test(f.path)) problems.push("path");
  if (problems.length > 0) throw new Error(`${path} is not a replay file: bad or missing ${problems.join(", ")}`);
  return f as ReplayFile;
}
