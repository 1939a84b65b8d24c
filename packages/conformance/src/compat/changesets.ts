/**
 * Package changes without a changeset: each package under packages/ whose
 * files changed since the baseline commit must be named by a changeset added
 * since then (.changeset/*.md front matter, `"@ferry/protocol": minor`).
 * Reported as a warning; a failing error with --require-changesets. Runs only
 * against a git baseline, in a repository that uses changesets.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { finding, type Finding } from "./finding.js";
import { changedFiles } from "./git.js";

/** Package names a changeset's front matter bumps. */
export function changesetPackages(text: string): string[] {
  const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1] ?? "";
  return [...front.matchAll(/^\s*["']?([^"':\s][^"':]*)["']?\s*:\s*(major|minor|patch)\s*$/gm)].map((m) => m[1]!);
}

function packageName(repo: string, dir: string): string {
  try {
    const name = (JSON.parse(readFileSync(join(repo, dir, "package.json"), "utf8")) as { name?: unknown }).name;
    return typeof name === "string" ? name : dir;
  } catch {
    return dir;
  }
}

export function checkChangesets(repo: string, commit: string, required: boolean): Finding[] {
  if (!existsSync(join(repo, ".changeset", "config.json"))) return [];
  const changed = changedFiles(repo, commit);
  const covered = new Set(
    changed
      .filter((c) => c.status === "A" && /^\.changeset\/[^/]+\.md$/.test(c.path) && c.path !== ".changeset/README.md")
      .flatMap((c) => (existsSync(join(repo, c.path)) ? changesetPackages(readFileSync(join(repo, c.path), "utf8")) : [])),
  );
  const packages = new Map<string, string[]>();
  for (const { path } of changed) {
    const m = /^(packages\/[^/]+)\//.exec(path);
    if (m) packages.set(m[1]!, [...(packages.get(m[1]!) ?? []), path]);
  }
  const out: Finding[] = [];
  for (const [dir, files] of packages) {
    const name = packageName(repo, dir);
    if (covered.has(name)) continue;
    out.push(
      finding({
        file: join(repo, files[0]!),
        location: name,
        rule: "CHANGESET_MISSING",
        severity: required ? "error" : "warning",
        message: `${name} changed (${files.length} file(s) since the baseline) but no changeset added since then names it: run pnpm changeset`,
      }),
    );
  }
  return out;
}
