/**
 * Release snapshots: a frozen copy of each released protocol version, kept in
 * the repository as `spec/releases/X.Y/` (the default baseline is the latest).
 * A version is released when its snapshot exists.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { compareVersions, formatVersion, parseVersion, type ProtocolVersion } from "./protocol-version.js";

export const releasesDir = (specDir: string) => join(specDir, "releases");
export const releaseDir = (specDir: string, v: ProtocolVersion) => join(releasesDir(specDir), formatVersion(v));

/** The released versions of a spec tree, oldest first. */
export function listReleases(specDir: string): ProtocolVersion[] {
  const dir = releasesDir(specDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory() && existsSync(join(dir, name, "version.json")))
    .map(parseVersion)
    .filter((v): v is ProtocolVersion => v !== undefined)
    .sort(compareVersions);
}

/**
 * The last released version at or below `baseline`, which a change's version
 * bump is counted from. A tree without snapshots treats the baseline as
 * released; a baseline older than every snapshot has nothing released before it.
 */
export function releasedReference(specDir: string, baseline: ProtocolVersion): ProtocolVersion | undefined {
  const releases = listReleases(specDir);
  if (releases.length === 0) return baseline;
  return releases.filter((r) => compareVersions(r, baseline) <= 0).at(-1);
}
