/**
 * The app lifecycle of spec section 1.3 as data: the states (1.3.1), every
 * transition (1.3.2, with the spec's row numbers), and what each other
 * (state, input) pair does, so a reader can scan it and a script can draw
 * it. AppLifecycle moves only through `lifecycleOutcome`.
 *
 * A pair outside the spec's table is either ignored (it can happen, but the
 * OS does not act on it: a BLE notification to a force-quit app) or refused
 * (the caller asked for something that cannot happen: backgrounding a
 * suspended app).
 */

export type AppState = "not-running" | "foreground" | "background-grace" | "suspended" | "woken" | "terminated" | "force-quit" | "rebooted";
export type LifecycleInput = "launch" | "background" | "grace-expired" | "ble-wake" | "budget-expired" | "os-terminate" | "force-quit" | "reboot" | "relaunch";

export const APP_STATES: readonly AppState[] = ["not-running", "foreground", "background-grace", "suspended", "woken", "terminated", "force-quit", "rebooted"];
export const LIFECYCLE_INPUTS: readonly LifecycleInput[] = ["launch", "background", "grace-expired", "ble-wake", "budget-expired", "os-terminate", "force-quit", "reboot", "relaunch"];

export interface StateProperties {
  codeRuns: boolean;
  memory: "none" | "kept" | "lost";
  ble: "none" | "kept" | "kept by the OS" | "dropped" | "lost";
  sockets: "none" | "usable" | "usable until suspension" | "may be torn down" | "may be dead; new ones may open" | "lost";
  wokenByBle: boolean;
  time: "none" | "unlimited" | "grace" | "wake budget";
}

/** Section 1.3.1. Disk is kept in every state. */
export const STATE_PROPERTIES: Readonly<Record<AppState, StateProperties>> = {
  "not-running": { codeRuns: false, memory: "none", ble: "none", sockets: "none", wokenByBle: false, time: "none" },
  foreground: { codeRuns: true, memory: "kept", ble: "kept", sockets: "usable", wokenByBle: false, time: "unlimited" },
  "background-grace": { codeRuns: true, memory: "kept", ble: "kept", sockets: "usable until suspension", wokenByBle: false, time: "grace" },
  suspended: { codeRuns: false, memory: "kept", ble: "kept by the OS", sockets: "may be torn down", wokenByBle: true, time: "none" },
  woken: { codeRuns: true, memory: "kept", ble: "kept", sockets: "may be dead; new ones may open", wokenByBle: false, time: "wake budget" },
  terminated: { codeRuns: false, memory: "lost", ble: "kept by the OS", sockets: "lost", wokenByBle: true, time: "none" },
  "force-quit": { codeRuns: false, memory: "lost", ble: "dropped", sockets: "lost", wokenByBle: false, time: "none" },
  rebooted: { codeRuns: false, memory: "lost", ble: "lost", sockets: "lost", wokenByBle: false, time: "none" },
};

export interface LifecycleTransition {
  /** The row of the spec's transition table. */
  row: number;
  from: AppState;
  on: LifecycleInput;
  to: AppState;
  loses: string;
}

const RUNNING_OR_KEPT: readonly AppState[] = ["foreground", "background-grace", "suspended", "woken", "terminated"];

/** Section 1.3.2, one entry per (from, on). */
export const LIFECYCLE_TRANSITIONS: readonly LifecycleTransition[] = [
  { row: 1, from: "not-running", on: "launch", to: "foreground", loses: "nothing" },
  { row: 2, from: "foreground", on: "background", to: "background-grace", loses: "nothing" },
  { row: 3, from: "background-grace", on: "launch", to: "foreground", loses: "nothing" },
  { row: 4, from: "background-grace", on: "grace-expired", to: "suspended", loses: "execution; sockets become unreliable" },
  { row: 5, from: "suspended", on: "ble-wake", to: "woken", loses: "nothing" },
  { row: 6, from: "suspended", on: "launch", to: "foreground", loses: "sockets that the OS tore down" },
  { row: 7, from: "suspended", on: "os-terminate", to: "terminated", loses: "memory, sockets" },
  { row: 8, from: "woken", on: "budget-expired", to: "suspended", loses: "execution" },
  { row: 9, from: "woken", on: "launch", to: "foreground", loses: "nothing" },
  { row: 10, from: "background-grace", on: "os-terminate", to: "terminated", loses: "memory, sockets" },
  { row: 10, from: "woken", on: "os-terminate", to: "terminated", loses: "memory, sockets" },
  { row: 11, from: "terminated", on: "ble-wake", to: "woken", loses: "nothing more: empty memory, the restored BLE connection" },
  { row: 12, from: "terminated", on: "launch", to: "foreground", loses: "nothing more" },
  ...RUNNING_OR_KEPT.map((from) => ({ row: 13, from, on: "force-quit" as const, to: "force-quit" as const, loses: "memory, sockets, BLE connections, BLE wakes" })),
  ...APP_STATES.map((from) => ({ row: 14, from, on: "reboot" as const, to: "rebooted" as const, loses: "memory, sockets, BLE connections, BLE wakes" })),
  { row: 15, from: "force-quit", on: "relaunch", to: "foreground", loses: "nothing more" },
  { row: 15, from: "rebooted", on: "relaunch", to: "foreground", loses: "nothing more" },
];

/** Pairs outside the table that can happen and change nothing, with why. */
export const LIFECYCLE_IGNORED: readonly { from: AppState; on: LifecycleInput; why: string }[] = [
  { from: "not-running", on: "ble-wake", why: "an app that never ran has no BLE connection to be woken by" },
  { from: "force-quit", on: "ble-wake", why: "the OS does not wake a force-quit app until the user relaunches it" },
  { from: "rebooted", on: "ble-wake", why: "the OS does not wake the app after a reboot until the user relaunches it" },
  { from: "foreground", on: "ble-wake", why: "the app is running; the device's data is handled in place" },
  { from: "background-grace", on: "ble-wake", why: "the app is running; the device's data is handled in place" },
  { from: "woken", on: "ble-wake", why: "the app is already awake; the wake budget is unchanged" },
  { from: "foreground", on: "launch", why: "the app is already in the foreground" },
];

export type LifecycleOutcome =
  | { kind: "transition"; transition: LifecycleTransition }
  | { kind: "ignored"; why: string }
  | { kind: "refused"; why: string };

/** What `on` does in `from`: the table's transition, an ignored input, or a refusal with its reason. */
export function lifecycleOutcome(from: AppState, on: LifecycleInput): LifecycleOutcome {
  const t = LIFECYCLE_TRANSITIONS.find((x) => x.from === from && x.on === on);
  if (t) return { kind: "transition", transition: t };
  const ignored = LIFECYCLE_IGNORED.find((x) => x.from === from && x.on === on);
  if (ignored) return { kind: "ignored", why: ignored.why };
  const allowed = LIFECYCLE_TRANSITIONS.filter((x) => x.on === on).map((x) => x.from);
  return { kind: "refused", why: `${on} cannot happen in ${from}; it happens in ${[...new Set(allowed)].join(", ")}` };
}

/** The lifecycle as a Mermaid state diagram, drawn from the table. */
export function lifecycleMermaid(): string {
  const lines = ["stateDiagram-v2", "  [*] --> not-running"];
  for (const t of LIFECYCLE_TRANSITIONS) lines.push(`  ${t.from} --> ${t.to}: ${t.on} (${t.row})`);
  return lines.join("\n");
}
