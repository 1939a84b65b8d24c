/**
 * The target of a role from the options and the capability statement's
 * setup (options win), or the role's reference implementation when neither
 * names one. The server target is probed: a server that cannot be reached
 * stops the run with exit status 2 [CONF-13].
 */
import type { Ics } from "../ics/types.js";
import { TargetUnreachable, type Role } from "../runner/case.js";
import { referenceFor } from "../runner/registry.js";
import { commandHook } from "../targets/command-hook.js";
import type { Target } from "../targets/index.js";
import { httpBaseOf, serverSetup, type ServerTarget } from "../targets/server-target.js";
import type { TargetOptions } from "../report/replay-file.js";
import { Connection } from "../suites/server/connection.js";
import { Trace } from "../runner/trace.js";
import { UsageError, type RunOptions } from "./options.js";

export interface Resolved {
  target: Target;
  /** The started reference's own statement, when the toolkit started it. */
  ics?: Ics | undefined;
  reference: boolean;
  close(): Promise<void>;
  /** How a replay reaches the same target. */
  options: TargetOptions;
}

export async function resolveTarget(role: Role, o: RunOptions, ics: Ics | undefined, icsPath: string | undefined): Promise<Resolved> {
  const setup = ics?.setup ?? {};
  const explicit = role === "server" ? (o.url ?? setup.url) : (o.cmd ?? setup.command);
  const base: TargetOptions = { role, ...(icsPath && { ics: icsPath }) };
  if (explicit === undefined) {
    // A capability statement describes the vendor's implementation, never the reference's.
    if (ics) throw new UsageError(role === "server" ? "--url is required with --ics (or setup.url in the ICS)" : "--cmd is required with --ics (or setup.command in the ICS)");
    const start = referenceFor(role);
    if (!start) throw new UsageError(role === "server" ? "--url is required" : `--cmd is required: the toolkit has no reference ${role} to start`);
    const running = await start();
    return { target: running.target, ics: running.ics, reference: true, close: () => running.close(), options: { ...base, reference: true } };
  }
  if (role !== "server") {
    return { target: { role, cmd: explicit, setup, reference: false }, reference: false, close: async () => {}, options: { ...base, cmd: explicit } };
  }
  const httpUrl = o.http ?? setup.httpUrl ?? httpBaseOf(explicit);
  const target: ServerTarget = {
    role: "server",
    url: explicit,
    httpUrl,
    setup: serverSetup({ credential: o.credential ?? setup.credential, deviceId: o.device ?? setup.deviceId, device2: o.device2, foreignDevice: o.foreignDevice }),
    controls: o.queueCommand ? { queueCommand: commandHook(o.queueCommand) } : {},
    reference: false,
  };
  const options: TargetOptions = {
    ...base,
    url: explicit,
    ...(o.http && { http: o.http }),
    ...(o.device && { device: o.device }),
    ...(o.device2 && { device2: o.device2 }),
    ...(o.foreignDevice && { foreignDevice: o.foreignDevice }),
    ...(o.queueCommand && { queueCommand: o.queueCommand }),
    ...(o.credential !== undefined && { credentialGiven: true }),
  };
  return { target, reference: false, close: async () => {}, options };
}

/** Opens and closes one WebSocket: TargetUnreachable when nothing answers. */
export async function probeServer(t: ServerTarget): Promise<void> {
  try {
    const conn = await Connection.open(t.url, new Trace());
    await conn.close();
  } catch (e) {
    // A refused upgrade still is a server answering; the cases say what is wrong with it.
    if ((e as Error).name === "UpgradeRefused") return;
    if (e instanceof TargetUnreachable) throw e;
    throw new TargetUnreachable(`cannot open a WebSocket to ${t.url}: ${(e as Error).message}`);
  }
}
