/** The targets of each role, and how the report names them. */
import type { Role } from "../runner/case.js";
import type { CommandTarget } from "./command-target.js";
import type { ServerTarget } from "./server-target.js";

export type { CommandTarget } from "./command-target.js";
export { UNSUPPORTED_EXIT_STATUS } from "./command-target.js";
export type { ServerTarget, ServerSetup, ServerControls, HandOff } from "./server-target.js";
export type { Running } from "./running.js";

export type Target = ServerTarget | CommandTarget;

/** The target type the cases of a role are given. */
export type TargetFor<R extends Role> = R extends "server" ? ServerTarget : CommandTarget;

/** How report.schema.json names a target: its role and URL or command. */
export function describeTarget(t: Target): { role: Role; url?: string; cmd?: string } {
  return t.role === "server" ? { role: "server", url: t.url } : { role: t.role, cmd: t.cmd };
}
