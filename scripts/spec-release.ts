/**
 * Freezes the spec of the version in spec/version.json into
 * spec/releases/<version>/, the baseline of `ferry-conformance compat`.
 *
 *   tsx scripts/spec-release.ts           refuses if the snapshot exists
 *   tsx scripts/spec-release.ts --force   rewrites it (only before the
 *                                         version has left the repository)
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const spec = join(import.meta.dirname, "..", "spec");
const version = JSON.parse(readFileSync(join(spec, "version.json"), "utf8")) as { protocol: string; released: string };
const target = join(spec, "releases", version.protocol);
const force = process.argv.includes("--force");

if (existsSync(target) && !force) {
  console.error(`spec/releases/${version.protocol} exists; a released version is never rewritten (use --force only before it has shipped)`);
  process.exit(1);
}
const readme = existsSync(join(target, "README.md")) ? readFileSync(join(target, "README.md"), "utf8") : undefined;
rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
const files = ["proto", "schemas", "gatt.json", "errors.json", "version.json", "requirements.json", ...readdirSync(spec).filter((f) => /^\d\d-.*\.md$/.test(f))];
for (const f of files) cpSync(join(spec, f), join(target, f), { recursive: true });
writeFileSync(
  join(target, "README.md"),
  readme ??
    `# Ferry ${version.protocol}, frozen\n\nA copy of the Ferry ${version.protocol} specification as released on ${version.released}. **Do not edit this directory**: it is the baseline of \`ferry-conformance compat\`.\n`,
);
console.log(`froze spec/ into spec/releases/${version.protocol} (${files.length} entries)`);
