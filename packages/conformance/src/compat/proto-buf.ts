/**
 * Running buf on a directory of .proto files: `buf build` to a JSON image
 * (the descriptors, for Ferry's own checks) and `buf breaking` between two
 * images. The module configuration (`proto/buf.yaml`, WIRE_JSON) is passed
 * with --config, so a tree without its own buf.yaml (a test fixture) is
 * checked under the same rules.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { findBuf } from "./buf-binary.js";
import { CompatInputError } from "./finding.js";

/** One line of buf's `--error-format json` output. */
export interface BufAnnotation {
  path?: string;
  start_line?: number;
  type: string;
  message: string;
}

/** Ferry's rule set when a tree has no proto/buf.yaml: wire and JSON compatibility. */
export const DEFAULT_BUF_CONFIG = "version: v2\nbreaking:\n  use:\n    - WIRE_JSON\n";

function runBuf(args: string[], cwd: string): { status: number; annotations: BufAnnotation[]; text: string } {
  const buf = findBuf();
  const r = spawnSync(buf.file, [...buf.prefix, ...args], { cwd, encoding: "utf8" });
  if (r.error) throw new CompatInputError(`cannot run buf: ${r.error.message}`);
  const text = `${r.stdout}${r.stderr}`;
  const annotations: BufAnnotation[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      annotations.push(JSON.parse(line) as BufAnnotation);
    } catch {
      // not one of buf's annotations
    }
  }
  return { status: r.status ?? 1, annotations, text: text.trim() };
}

/** Builds `protoDir` into `imagePath` (JSON); the compile errors when it does not build. */
export function buildImage(protoDir: string, config: string, imagePath: string): BufAnnotation[] | undefined {
  const r = runBuf(["build", ".", "--config", config, "-o", imagePath, "--error-format", "json"], protoDir);
  if (r.status === 0) return undefined;
  if (r.annotations.length > 0) return r.annotations;
  throw new CompatInputError(`buf build ${protoDir} failed: ${r.text}`);
}

/** buf breaking of the working image against the baseline image. */
export function breakingChanges(afterImage: string, beforeImage: string, config: string, tmp: string): BufAnnotation[] {
  const r = runBuf(["breaking", afterImage, "--against", beforeImage, "--config", config, "--error-format", "json"], tmp);
  if (r.status !== 0 && r.annotations.length === 0) throw new CompatInputError(`buf breaking failed: ${r.text}`);
  return r.annotations;
}

export const imagePathIn = (tmp: string, side: "before" | "after") => join(tmp, `${side}.image.json`);
