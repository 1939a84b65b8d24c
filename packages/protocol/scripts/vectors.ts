/**
 * Writes spec/vectors/*.json from the definitions in scripts/vectors/.
 *
 *   tsx scripts/vectors.ts          (re)write the vector files
 *   tsx scripts/vectors.ts --check  fail if any file differs from what would be
 *                                   written, or spec/vectors holds a stray file
 *
 * Every vector is checked against this implementation before it is written.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildVectorFiles, serialize } from "./vectors/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(here, "../../../spec/vectors");
const check = process.argv.includes("--check");

const files = buildVectorFiles();
mkdirSync(outDir, { recursive: true });
let problems = 0;
let count = 0;
for (const [name, file] of files) {
  count += file.vectors.length;
  const path = join(outDir, name);
  const text = serialize(file);
  const current = existsSync(path) ? readFileSync(path, "utf8") : undefined;
  if (current === text) continue;
  if (check) {
    console.error(`stale: spec/vectors/${name} differs from what packages/protocol/scripts/vectors.ts generates`);
    problems++;
  } else {
    writeFileSync(path, text);
    console.log(`wrote spec/vectors/${name} (${file.vectors.length} vectors)`);
  }
}
for (const name of readdirSync(outDir).filter((f) => f.endsWith(".json") && !files.has(f))) {
  console.error(`stray: spec/vectors/${name} is not generated; remove it or add its group to scripts/vectors/index.ts`);
  problems++;
}
if (problems > 0) process.exit(1);
console.log(`${count} vectors in ${files.size} files${check ? " match the definitions" : ""}`);
