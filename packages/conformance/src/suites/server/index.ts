/**
 * The server suite: cases over real sockets against any server URL, speaking
 * Ferry through @ferry/protocol alone. Ids SRV-AREA-NN are permanent [CONF-11].
 */
import type { Suite } from "../../runner/registry.js";
import { AUTH_CASES } from "./cases/auth.js";
import { COMMAND_CASES } from "./cases/commands.js";
import { CUSTODY_CASES } from "./cases/custody.js";
import { ERROR_CASES } from "./cases/errors.js";
import { FLOOD_CASES } from "./cases/flood.js";
import { HANDSHAKE_CASES } from "./cases/handshake.js";
import { HTTP_CASES } from "./cases/http.js";
import { SRV_PROP_01 } from "./cases/property.js";
import { RESUME_CASES } from "./cases/resume.js";

export const SERVER_SUITE: Suite<"server"> = {
  name: "server",
  role: "server",
  cases: [...HANDSHAKE_CASES, ...RESUME_CASES, ...AUTH_CASES, ...CUSTODY_CASES, ...ERROR_CASES, ...FLOOD_CASES, ...HTTP_CASES, ...COMMAND_CASES, SRV_PROP_01],
};
