/** Where the spec's files are, from a source checkout or an installed package. */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function defaultVectorsDir(): string {
  // src/ and dist/ both sit two levels below the repository's packages/.
  const candidates = ["../../../spec/vectors", "../../../../spec/vectors"].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}
