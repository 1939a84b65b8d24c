/**
 * Every vector group, and the text of every vector file. Building a file
 * checks each of its vectors against this implementation first, so the
 * generator never writes a vector the code disagrees with, except the
 * expected failures, which must fail.
 */
import { checkVector } from "../../src/vectors/check.js";
import { checkUniqueNames } from "../../src/vectors/load.js";
import type { VectorFile } from "../../src/vectors/types.js";
import { acks } from "./acks.js";
import { batches } from "./batches.js";
import { deviceResume } from "./device-resume.js";
import { deviceInfos } from "./device-info.js";
import { EXPECTED_FAILURES } from "./expected-failures.js";
import { fragments } from "./fragments.js";
import type { VectorGroup } from "./group.js";
import { handshake } from "./handshake.js";
import { invalidFragments } from "./invalid-fragments.js";
import { invalidMessages } from "./invalid-messages.js";
import { messages } from "./messages.js";
import { resume } from "./resume.js";

export const GROUPS: readonly VectorGroup[] = [messages, invalidMessages, batches, acks, deviceInfos, fragments, invalidFragments, handshake, resume, deviceResume];

export const SCHEMA_REF = "../schemas/vectors.schema.json";

export function buildVectorFiles(): Map<string, VectorFile> {
  const files = new Map<string, VectorFile>();
  for (const g of GROUPS) {
    const vectors = g.vectors();
    for (const v of vectors) {
      const r = checkVector(v);
      const known = v.name in EXPECTED_FAILURES;
      if (r.ok && known) throw new Error(`${g.file}: ${v.name} passes now: remove it from scripts/vectors/expected-failures.ts`);
      if (!r.ok && !known) {
        throw new Error(`${g.file}: ${v.name}: ${r.detail}\n  expected ${JSON.stringify(r.expected)}\n  actual   ${JSON.stringify(r.actual)}`);
      }
    }
    files.set(g.file, { $schema: SCHEMA_REF, group: g.group, description: g.description, vectors });
  }
  const named = [...files].flatMap(([file, f]) => f.vectors.map((v) => [file, v] as const));
  checkUniqueNames(named);
  const names = new Set(named.map(([, v]) => v.name));
  for (const name of Object.keys(EXPECTED_FAILURES)) if (!names.has(name)) throw new Error(`expected failure ${name} is not a vector`);
  return files;
}

/** A vector file as the generator writes it: 2-space JSON and a final newline. */
export function serialize(file: VectorFile): string {
  return JSON.stringify(file, null, 2) + "\n";
}
