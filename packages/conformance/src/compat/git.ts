/**
 * The few git operations the gate needs: which commit a ref names (the
 * merge-base with HEAD when the ref is a branch), a copy of a directory as it
 * was at that commit, and the files changed since.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CompatInputError } from "./finding.js";

export function git(repo: string, args: string[], input?: string): string {
  return gitBuffer(repo, args, input).toString("utf8");
}

function gitBuffer(repo: string, args: string[], input?: string): Buffer {
  try {
    return execFileSync("git", ["-C", repo, ...args], { input, stdio: ["pipe", "pipe", "pipe"], maxBuffer: 1 << 30 });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new CompatInputError(`git ${args.join(" ")} failed: ${err.stderr?.toString().trim() || err.message}`);
  }
}

/** The repository's top level directory, or undefined outside a repository. */
export function gitTopLevel(dir: string): string | undefined {
  try {
    return git(dir, ["rev-parse", "--show-toplevel"]).trim();
  } catch {
    return undefined;
  }
}

export interface BaseCommit {
  commit: string;
  /** How the commit was found, for the report: `origin/main (merge-base 1a2b3c4)`. */
  label: string;
}

/** The commit to compare with: REF itself, or its merge-base with HEAD when REF is a branch. */
export function baseCommit(repo: string, ref: string): BaseCommit {
  let commit: string;
  try {
    commit = git(repo, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).trim();
  } catch {
    throw new CompatInputError(`--against ${ref}: not a commit, branch or tag of ${repo}`);
  }
  const full = git(repo, ["rev-parse", "--symbolic-full-name", ref]).trim();
  if (!/^refs\/(heads|remotes)\//.test(full)) return { commit, label: `${ref} (${commit.slice(0, 7)})` };
  let base: string;
  try {
    base = git(repo, ["merge-base", "HEAD", commit]).trim();
  } catch {
    // The usual cause in CI: a shallow clone without the branch's history.
    throw new CompatInputError(`--against ${ref}: HEAD and ${ref} have no merge-base; in a shallow clone fetch the history first (actions/checkout with fetch-depth: 0)`);
  }
  return { commit: base, label: `${ref} (merge-base ${base.slice(0, 7)})` };
}

/** Writes the files under `path` at `commit` into `dest` (paths relative to `path`), skipping the subdirectories named in `skip`. */
export function extractTree(repo: string, commit: string, path: string, dest: string, skip: string[] = []): number {
  const prefix = path === "" || path === "." ? "" : `${path.replace(/\/$/, "")}/`;
  const listed = git(repo, ["ls-tree", "-r", "-z", "--full-tree", commit, "--", prefix || "."]).split("\0").filter(Boolean);
  const files = listed
    .map((entry) => entry.slice(entry.indexOf("\t") + 1))
    .filter((file) => file.startsWith(prefix) && !skip.some((s) => file.slice(prefix.length).startsWith(`${s}/`)));
  if (files.length === 0) return 0;
  const out = gitBuffer(repo, ["cat-file", "--batch"], files.map((f) => `${commit}:${f}\n`).join(""));
  let at = 0;
  for (const file of files) {
    const eol = out.indexOf(10, at);
    const header = out.subarray(at, eol).toString("utf8");
    const size = Number(header.split(" ")[2]);
    const target = join(dest, file.slice(prefix.length));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, out.subarray(eol + 1, eol + 1 + size));
    at = eol + 1 + size + 1;
  }
  return files.length;
}

/** Files that differ between `commit` and the working tree (staged, unstaged and untracked), with `A` for the added ones. */
export function changedFiles(repo: string, commit: string): { status: string; path: string }[] {
  const tracked = git(repo, ["diff", "--name-status", "--no-renames", "-z", commit, "--"]).split("\0").filter(Boolean);
  const out: { status: string; path: string }[] = [];
  for (let i = 0; i + 1 < tracked.length; i += 2) out.push({ status: tracked[i]!, path: tracked[i + 1]! });
  for (const path of git(repo, ["ls-files", "--others", "--exclude-standard", "-z"]).split("\0").filter(Boolean)) out.push({ status: "A", path });
  return out;
}
