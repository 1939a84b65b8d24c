/**
 * Finds the buf CLI of the `@bufbuild/buf` npm package. The package's own bin
 * is a Node wrapper around a per-platform binary package; the gate runs the
 * binary directly when it can (a buf call then costs ~60 ms, not ~200 ms).
 * FERRY_BUF overrides the search with a path to any buf binary.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { arch, endianness } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CompatInputError } from "./finding.js";

export interface BufCommand {
  /** The program to run, and the arguments that come before buf's own. */
  file: string;
  prefix: string[];
}

const PLATFORM_PACKAGES: Record<string, string> = {
  "darwin arm64": "@bufbuild/buf-darwin-arm64",
  "darwin x64": "@bufbuild/buf-darwin-x64",
  "linux arm64": "@bufbuild/buf-linux-aarch64",
  "linux arm": "@bufbuild/buf-linux-armv7",
  "linux x64": "@bufbuild/buf-linux-x64",
  "win32 arm64": "@bufbuild/buf-win32-arm64",
  "win32 x64": "@bufbuild/buf-win32-x64",
};

/** Where to look for @bufbuild/buf: this package, then @ferry/protocol (whose devDependency it is too). */
function searchFrom(): string[] {
  const here = fileURLToPath(import.meta.url);
  const packageRoot = join(dirname(here), "..", "..");
  return [here, join(packageRoot, "..", "protocol", "package.json")];
}

function resolveFrom(from: string, request: string): string | undefined {
  try {
    return createRequire(from).resolve(request);
  } catch {
    return undefined;
  }
}

let found: BufCommand | undefined;

export function findBuf(): BufCommand {
  const override = process.env.FERRY_BUF;
  if (override) {
    if (!existsSync(override)) throw new CompatInputError(`FERRY_BUF=${override} does not exist`);
    return { file: override, prefix: [] };
  }
  return (found ??= searchBuf());
}

function searchBuf(): BufCommand {
  for (const from of searchFrom()) {
    const manifest = resolveFrom(from, "@bufbuild/buf/package.json");
    if (!manifest) continue;
    const platform = PLATFORM_PACKAGES[`${process.platform} ${arch()}`];
    const binary = platform && endianness() === "LE" ? resolveFrom(manifest, `${platform}/bin/buf${process.platform === "win32" ? ".exe" : ""}`) : undefined;
    if (binary) return { file: binary, prefix: [] };
    const wrapper = join(dirname(manifest), "bin", "buf");
    if (existsSync(wrapper)) return { file: process.execPath, prefix: [wrapper] };
  }
  throw new CompatInputError(
    "buf is not installed: the proto check needs the @bufbuild/buf npm package (a dependency of @ferry/conformance; run pnpm install), or FERRY_BUF set to a buf binary",
  );
}
