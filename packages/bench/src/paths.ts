/** Where the bench finds the repository: spec/proto, the generated codecs, docs/. */
import { fileURLToPath } from "node:url";
import { join } from "node:path";

/** The repository root (this file is packages/bench/src/paths.ts). */
export const REPO_ROOT: string = fileURLToPath(new URL("../../../", import.meta.url));

/** The package root, packages/bench. */
export const BENCH_ROOT: string = fileURLToPath(new URL("../", import.meta.url));

export const PROTO_DIR: string = join(REPO_ROOT, "spec", "proto");

/** docs/: where a full run writes benchmarks.md and benchmarks.json. */
export const DOCS_DIR: string = join(REPO_ROOT, "docs");

/** Where --quick and --only runs write by default, so docs/ only ever holds a full run. */
export const SCRATCH_DIR: string = join(BENCH_ROOT, "results");
