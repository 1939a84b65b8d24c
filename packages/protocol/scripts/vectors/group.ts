/** One vector file as the generator defines it. */
import type { Vector } from "../../src/vectors/types.js";

export interface VectorGroup {
  /** File name under spec/vectors. */
  file: string;
  group: string;
  description: string;
  vectors: () => Vector[];
}
