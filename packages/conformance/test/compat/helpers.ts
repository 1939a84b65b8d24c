/** Shared by the compat tests: the repository's spec, and the CLI run with its output captured. */
import { fileURLToPath } from "node:url";
import { runCompatCli } from "../../src/compat/cli.js";

export const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
export const SPEC = fileURLToPath(new URL("../../../../spec/", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

export function cli(argv: string[], cwd = REPO): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = runCompatCli(argv, { out: (t) => void (out += t), err: (t) => void (err += t), cwd });
  return { code, out, err };
}
