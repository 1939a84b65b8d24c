/**
 * Every built-in suite and reference implementation, registered once on
 * import. A new suite adds one line here: registerSuite(ITS_SUITE), and a
 * role's reference implementation registerReference(role, start).
 */
import { registerReference, registerSuite } from "../runner/registry.js";
import { startReferenceServer } from "../targets/reference-server.js";
import { SERVER_SUITE } from "./server/index.js";

let registered = false;

export function registerBuiltins(): void {
  if (registered) return;
  registered = true;
  registerSuite(SERVER_SUITE);
  registerReference("server", startReferenceServer);
}
