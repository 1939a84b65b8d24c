/** A target the toolkit started itself, with what it declares and how to stop it. */
import type { Ics } from "../ics/types.js";

export interface Running<T> {
  target: T;
  /** The capability statement of the started implementation. */
  ics: Ics;
  close(): Promise<void>;
}
