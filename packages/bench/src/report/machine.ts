/** What the figures were measured on: machine, Node version and commit (read-only git). */
import { execFileSync } from "node:child_process";
import { arch, cpus, loadavg, release, totalmem, type } from "node:os";
import { REPO_ROOT } from "../paths.js";

export interface MachineInfo {
  os: string;
  arch: string;
  cpuModel: string;
  cpus: number;
  memoryGiB: number;
  node: string;
  /** 1-minute load average when the run started: the machine may be shared. */
  loadAverage1m: number;
}

export interface CommitInfo {
  /** HEAD, or null outside a git checkout. */
  sha: string | null;
  /** Uncommitted changes in the working tree (the figures may not match `sha` exactly). */
  dirty: boolean | null;
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    os: `${type()} ${release()}`,
    arch: arch(),
    cpuModel: c[0]?.model.trim() ?? "unknown",
    cpus: c.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

function git(args: string[]): string | null {
  try {
    return execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

export function commitInfo(): CommitInfo {
  const sha = git(["rev-parse", "HEAD"]);
  const status = sha === null ? null : git(["status", "--porcelain"]);
  return { sha, dirty: status === null ? null : status.length > 0 };
}
