#!/usr/bin/env node
// The `ferry-app` command. Runs the compiled CLI (dist/) when the package
// was built, otherwise the TypeScript sources through tsx, resolving the
// workspace packages to their sources too (the "source" export condition),
// so a fresh clone needs no build step. FERRY_FROM_SOURCE=1 forces sources.
import { existsSync } from "node:fs";
import { register } from "node:module";

const dist = new URL("../dist/cli.js", import.meta.url);
let cli;
if (existsSync(dist) && !process.env.FERRY_FROM_SOURCE) {
  cli = await import(dist.href);
} else {
  register(
    "data:text/javascript,export async function resolve(s, c, next) { return next(s, { ...c, conditions: [...c.conditions, 'source'] }); }",
  );
  const tsx = await import("tsx/esm/api");
  tsx.register();
  cli = await import(new URL("../src/cli.ts", import.meta.url).href);
}

cli.main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`ferry-app: ${e?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
