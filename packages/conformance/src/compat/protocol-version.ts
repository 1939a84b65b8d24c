/** Ferry protocol versions, `MAJOR.MINOR` [VER-1], as read from version.json. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface ProtocolVersion {
  major: number;
  minor: number;
}

export interface VersionFile {
  version: ProtocolVersion;
  /** The `protocol` string as written. */
  protocol: string;
  websocketSubprotocol?: string;
  /** Problems with the file's own consistency (protocol vs major/minor vs subprotocol). */
  problems: string[];
}

const VERSION = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;

export function parseVersion(text: string): ProtocolVersion | undefined {
  const m = VERSION.exec(text);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

export function formatVersion(v: ProtocolVersion): string {
  return `${v.major}.${v.minor}`;
}

export function compareVersions(a: ProtocolVersion, b: ProtocolVersion): number {
  return a.major - b.major || a.minor - b.minor;
}

/** Reads `<specDir>/version.json`; undefined when absent or without a readable version. */
export function readVersionFile(specDir: string): VersionFile | undefined {
  const path = join(specDir, "version.json");
  if (!existsSync(path)) return undefined;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const protocol = typeof json.protocol === "string" ? json.protocol : undefined;
  const fromString = protocol ? parseVersion(protocol) : undefined;
  const fromNumbers = Number.isInteger(json.major) && Number.isInteger(json.minor) ? { major: json.major as number, minor: json.minor as number } : undefined;
  const version = fromString ?? fromNumbers;
  if (!version) return undefined;
  const problems: string[] = [];
  if (fromString && fromNumbers && compareVersions(fromString, fromNumbers) !== 0) {
    problems.push(`protocol "${protocol}" disagrees with major ${fromNumbers.major} and minor ${fromNumbers.minor}`);
  }
  const websocketSubprotocol = typeof json.websocketSubprotocol === "string" ? json.websocketSubprotocol : undefined;
  // [VER-10] the subprotocol names the major.
  if (websocketSubprotocol !== undefined && websocketSubprotocol !== `ferry.v${version.major}`) {
    problems.push(`websocketSubprotocol "${websocketSubprotocol}" should be "ferry.v${version.major}" [VER-10]`);
  }
  return { version, protocol: protocol ?? formatVersion(version), ...(websocketSubprotocol !== undefined ? { websocketSubprotocol } : {}), problems };
}
