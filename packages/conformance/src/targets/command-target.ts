/**
 * A device or app under test that the toolkit starts from a shell command
 * (a device's host build on the virtual GATT link, an app harness). The
 * suites of those roles spawn it as they need; a target that does not
 * support a case exits with status 127 [CONF-11].
 */
import type { IcsSetup } from "../ics/types.js";

export interface CommandTarget {
  role: "device" | "app";
  /** The shell command that starts the implementation. */
  cmd: string;
  /** The capability statement's setup, command line options applied. */
  setup: IcsSetup;
  /** A reference implementation the toolkit provides itself. */
  reference: boolean;
}

/** Exit status by which a started target reports a case it does not support [CONF-11]. */
export const UNSUPPORTED_EXIT_STATUS = 127;
