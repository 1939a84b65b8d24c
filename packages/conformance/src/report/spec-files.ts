/** The spec files the toolkit reads: requirements, version; from a source checkout or an installed package. */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** src/report and dist/report both sit four levels below the repository root. */
export function specDir(): string {
  const candidates = ["../../../../spec/", "../../../../../spec/"].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((p) => existsSync(`${p}requirements.json`)) ?? candidates[0]!;
}

export interface Requirement {
  id: string;
  level: "MUST" | "SHOULD" | "MAY" | string;
  chapter: string;
  text: string;
}

let requirements: Map<string, Requirement> | undefined;

/** spec/requirements.json by id. */
export function requirementIndex(): ReadonlyMap<string, Requirement> {
  requirements ??= new Map(
    (JSON.parse(readFileSync(`${specDir()}requirements.json`, "utf8")) as { requirements: Requirement[] }).requirements.map((r) => [r.id, r]),
  );
  return requirements;
}

/** The protocol version of the spec, "MAJOR.MINOR". */
export function protocolVersion(): string {
  return (JSON.parse(readFileSync(`${specDir()}version.json`, "utf8")) as { protocol: string }).protocol;
}

/** This tool's name and version (package.json, two levels up from src/report or dist/report). */
export const TOOL = {
  name: "ferry-conformance",
  version: (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version,
} as const;
