/**
 * The handshake state machines of both legs, as data (like h11's _state.py):
 * every state, every input, every transition and what each state lets the
 * local side send. The machines in this folder move only through `advance`,
 * so these tables are the whole truth; `toMermaid` draws them.
 *
 * Inputs name what happened, not which method saw it: "welcome" is a valid
 * Welcome, "welcome-invalid" one that breaks a field rule, "unexpected" a
 * message the state does not allow [HS-1], "session-message" anything the
 * handshake hands on to the session layer (events, acks, commands, errors
 * after establishment). A terminal state ignores every input: the driver is
 * closing the connection.
 */
import { ProtocolError } from "../errors.js";
import type { MessageType } from "../message.js";

export interface Transition<S extends string, I extends string> {
  from: S;
  on: I;
  to: S;
  /** What the machine does on the way, for readers and diagrams. */
  does: string;
}

export interface MachineTable<S extends string, I extends string> {
  name: string;
  initial: S;
  terminal: readonly S[];
  states: readonly S[];
  transitions: readonly Transition<S, I>[];
  /** Messages the local side may send in each state (besides what the machine itself emits). */
  maySend: Readonly<Record<S, readonly MessageType[]>>;
}

const FROM_APP_TO_SERVER = ["events", "accounting", "commandAck", "error"] as const;

// ---- app -> server (WebSocket) -------------------------------------------

export type ClientState = "idle" | "hello-sent" | "established" | "failed";
export type ClientInput = "start" | "welcome" | "welcome-invalid" | "error" | "unexpected" | "timeout" | "session-message";

export const CLIENT_TABLE: MachineTable<ClientState, ClientInput> = {
  name: "client (app -> server)",
  initial: "idle",
  terminal: ["failed"],
  states: ["idle", "hello-sent", "established", "failed"],
  transitions: [
    { from: "idle", on: "start", to: "hello-sent", does: "send Hello [HS-1]" },
    { from: "idle", on: "unexpected", to: "failed", does: "UNEXPECTED_MESSAGE" },
    { from: "hello-sent", on: "welcome", to: "established", does: "report outcome [HS-6]" },
    { from: "hello-sent", on: "welcome-invalid", to: "failed", does: "INVALID_FIELD" },
    { from: "hello-sent", on: "error", to: "failed", does: "report the peer's Error" },
    { from: "hello-sent", on: "unexpected", to: "failed", does: "UNEXPECTED_MESSAGE" },
    { from: "hello-sent", on: "timeout", to: "failed", does: "give up; retry later" },
    { from: "established", on: "session-message", to: "established", does: "hand on to the session" },
    { from: "established", on: "unexpected", to: "failed", does: "UNEXPECTED_MESSAGE (second Welcome, a Hello)" },
  ],
  // First flight: events and accountings go right after the Hello [HS-1].
  maySend: { idle: [], "hello-sent": ["events", "accounting"], established: FROM_APP_TO_SERVER, failed: [] },
};

// ---- server side ----------------------------------------------------------

export type ServerState = "awaiting-hello" | "established" | "failed";
export type ServerInput = "hello" | "hello-refused" | "unexpected" | "timeout" | "session-message";

export const SERVER_TABLE: MachineTable<ServerState, ServerInput> = {
  name: "server",
  initial: "awaiting-hello",
  terminal: ["failed"],
  states: ["awaiting-hello", "established", "failed"],
  transitions: [
    { from: "awaiting-hello", on: "hello", to: "established", does: "send Welcome (resumed or fresh) [HS-6]" },
    {
      from: "awaiting-hello",
      on: "hello-refused",
      to: "failed",
      does: "send Error: INVALID_FIELD | VERSION_UNSUPPORTED | AUTH_FAILED | DEVICE_NOT_ALLOWED",
    },
    { from: "awaiting-hello", on: "unexpected", to: "failed", does: "send Error UNEXPECTED_MESSAGE [HS-1]" },
    { from: "awaiting-hello", on: "timeout", to: "failed", does: "close without Error" },
    // First-flight events arrive here, after the Hello made the session [HS-1].
    { from: "established", on: "session-message", to: "established", does: "hand on to the session" },
    { from: "established", on: "unexpected", to: "failed", does: "send Error UNEXPECTED_MESSAGE (second Hello, a Welcome)" },
  ],
  maySend: { "awaiting-hello": [], established: ["ack", "command", "error"], failed: [] },
};

// ---- app -> device (GATT central) -----------------------------------------

export type CentralState = "idle" | "hello-sent" | "established" | "failed";
export type CentralInput =
  | "start"
  | "start-refused"
  | "welcome"
  | "welcome-invalid"
  | "error"
  | "unexpected"
  | "timeout"
  | "session-message";

export const CENTRAL_TABLE: MachineTable<CentralState, CentralInput> = {
  name: "central (app -> device)",
  initial: "idle",
  terminal: ["failed"],
  states: ["idle", "hello-sent", "established", "failed"],
  transitions: [
    { from: "idle", on: "start", to: "hello-sent", does: "write Hello with custody to the control point [DHS-1]" },
    { from: "idle", on: "start-refused", to: "failed", does: "VERSION_UNSUPPORTED | INVALID_FIELD from DeviceInfo; write nothing" },
    { from: "idle", on: "unexpected", to: "failed", does: "UNEXPECTED_MESSAGE" },
    { from: "hello-sent", on: "welcome", to: "established", does: "report outcome; replay follows on uplink [DHS-4]" },
    { from: "hello-sent", on: "welcome-invalid", to: "failed", does: "INVALID_FIELD" },
    { from: "hello-sent", on: "error", to: "failed", does: "report the device's Error (e.g. SEQUENCE_REGRESSION)" },
    { from: "hello-sent", on: "unexpected", to: "failed", does: "UNEXPECTED_MESSAGE" },
    { from: "hello-sent", on: "timeout", to: "failed", does: "disconnect; retry later" },
    { from: "established", on: "session-message", to: "established", does: "hand on to the session" },
    { from: "established", on: "unexpected", to: "failed", does: "UNEXPECTED_MESSAGE (second Welcome, a Hello)" },
  ],
  maySend: { idle: [], "hello-sent": [], established: ["ack", "command", "error"], failed: [] },
};

// ---- device side (GATT peripheral) ----------------------------------------

export type PeripheralState = "awaiting-hello" | "established" | "failed";
export type PeripheralInput = "hello" | "hello-refused" | "unexpected" | "timeout" | "session-message";

export const PERIPHERAL_TABLE: MachineTable<PeripheralState, PeripheralInput> = {
  name: "peripheral (device)",
  initial: "awaiting-hello",
  terminal: ["failed"],
  states: ["awaiting-hello", "established", "failed"],
  transitions: [
    { from: "awaiting-hello", on: "hello", to: "established", does: "indicate Welcome; replay what the custody lacks [DHS-3]" },
    {
      from: "awaiting-hello",
      on: "hello-refused",
      to: "failed",
      does: "indicate Error: INVALID_FIELD | VERSION_UNSUPPORTED | SEQUENCE_REGRESSION",
    },
    { from: "awaiting-hello", on: "unexpected", to: "failed", does: "indicate Error UNEXPECTED_MESSAGE" },
    { from: "awaiting-hello", on: "timeout", to: "failed", does: "disconnect" },
    { from: "established", on: "session-message", to: "established", does: "hand on to the session" },
    // [LIFE-6] [DHS-9] an app relaunched on a connection the OS kept starts a new session on it.
    { from: "established", on: "hello", to: "established", does: "new session: indicate Welcome; replay afresh [DHS-9]" },
    { from: "established", on: "hello-refused", to: "failed", does: "indicate Error, as for a first Hello" },
    { from: "established", on: "unexpected", to: "failed", does: "indicate Error UNEXPECTED_MESSAGE (a Welcome)" },
  ],
  maySend: {
    "awaiting-hello": [],
    established: ["events", "accounting", "commandAck", "error", "wakeHint"],
    failed: [],
  },
};

export const HANDSHAKE_TABLES = [CLIENT_TABLE, SERVER_TABLE, CENTRAL_TABLE, PERIPHERAL_TABLE] as const;

/**
 * The state after `on` in `from`. An input with no row is a bug in the
 * machine, not in the peer: the machines map every peer input to a row.
 */
export function advance<S extends string, I extends string>(table: MachineTable<S, I>, from: S, on: I): S {
  const row = table.transitions.find((t) => t.from === from && t.on === on);
  if (!row) throw new ProtocolError("INTERNAL", `${table.name}: no transition from ${from} on ${on}`, "local");
  return row.to;
}

/** A Mermaid state diagram of one table, for the spec. */
export function toMermaid<S extends string, I extends string>(table: MachineTable<S, I>): string {
  // Mermaid ids cannot hold "-": declare each state with its spec name as label.
  const id = (s: string) => s.replace(/[^A-Za-z0-9]/g, "_");
  const lines = ["stateDiagram-v2", ...table.states.map((s) => `  state "${s}" as ${id(s)}`)];
  lines.push(`  [*] --> ${id(table.initial)}`);
  for (const t of table.transitions) lines.push(`  ${id(t.from)} --> ${id(t.to)}: ${t.on}`);
  for (const s of table.terminal) lines.push(`  ${id(s)} --> [*]`);
  return lines.join("\n");
}
