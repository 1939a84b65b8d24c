/**
 * The case API: what a conformance case is, what it is given, and what it
 * returns [CONF-11]. Suites (server, device, app, simulated) are lists of
 * cases; the runner picks them from the capability statement and the
 * filters, runs them against a target, and reports their verdicts.
 *
 *   const SRV_X_01: Case<ServerTarget> = {
 *     id: "SRV-X-01", title: "...", cites: ["HS-6"], level: "MUST", role: "server",
 *     needs: { bindings: ["websocket"] },
 *     async run(ctx) {
 *       ...
 *       expectThat(welcome.resumed, { requirement: "HS-8", expected: "resumed", actual: "fresh" });
 *       return pass();
 *     },
 *   };
 */
import type { Ics } from "../ics/types.js";
import type { Trace } from "./trace.js";

export type Role = "device" | "app" | "server";
export type Level = "MUST" | "SHOULD";
export type FeatureName = "signed-events" | "commands" | "wake-hint" | "http-batch";
export type BindingName = "gatt" | "virtual-gatt-link" | "websocket" | "http-batch";
/** skipped is the runner's: a case never returns it [CONF-11]. */
export type Outcome = "pass" | "fail" | "unsupported" | "skipped";

/** One message (or link event) seen in a scenario, as report.schema.json's TracedMessage. */
export interface TracedMessage {
  from: Role;
  to: Role;
  /** The Message body (hello, events, ack, ...) or a link event (open, close, http). */
  type: string;
  summary: string;
  /** Milliseconds since the scenario began (virtual time in a simulation). */
  atMs: number;
}

/** A scenario step: a readable line ("app: reconnect with token") or an object with an action. */
export type Step = string | { action: string; [detail: string]: unknown };

/** The shrunk scenario of a failure and the messages exchanged in it. */
export interface Counterexample {
  steps: Step[];
  messages: TracedMessage[];
}

/** What broke: the requirement, what it demands here, what the target did. */
export interface Failure {
  requirement: string;
  expected: string;
  actual: string;
  /** Defaults to the trace the case recorded. */
  counterexample?: Counterexample;
  /** fast-check's path to the shrunk counterexample (property cases). */
  path?: string;
  /** The failing scenario's seed; defaults to the run's. */
  seed?: number;
}

export type Verdict =
  | { outcome: "pass"; runs?: number }
  | ({ outcome: "fail"; runs?: number } & Failure)
  | { outcome: "unsupported"; reason: string };

export interface CaseContext<T> {
  /** The run's seed: every random choice of the case derives from it. */
  readonly seed: number;
  /** Scenarios a property case generates. */
  readonly runs: number;
  /** The case's time budget; the runner fails it (and aborts `signal`) when it is spent. */
  readonly timeoutMs: number;
  /** When replaying a property failure: fast-check's path to the counterexample. */
  readonly path?: string | undefined;
  /** The implementation under test, as its role's target type describes it. */
  readonly target: T;
  /** The capability statement, when the run was given one. */
  readonly ics?: Ics | undefined;
  /** Aborted when the case runs out of time: close sockets, stop processes. */
  readonly signal: AbortSignal;
  /** Records the scenario's steps and messages for the counterexample. */
  readonly trace: Trace;
  /** A short progress note ("run 12/100"), shown while the case runs. */
  progress(note: string): void;
}

export interface Case<T = unknown> {
  /** Permanent id ROLE-AREA-NN [CONF-11]. */
  readonly id: string;
  /** What the case checks, in one line. */
  readonly title: string;
  /** The requirement ids it checks (spec/REQUIREMENTS.md). */
  readonly cites: readonly string[];
  /** The strongest level of what it checks: SHOULD cases run only with --strict. */
  readonly level: Level;
  readonly role: Role;
  /** What the capability statement must declare for the case to apply; otherwise it is unsupported. */
  readonly needs?: { readonly features?: readonly FeatureName[]; readonly bindings?: readonly BindingName[] };
  /** A property case runs `ctx.runs` generated scenarios. */
  readonly property?: boolean;
  run(ctx: CaseContext<T>): Promise<Verdict>;
}

export const pass = (runs?: number): Verdict => (runs === undefined ? { outcome: "pass" } : { outcome: "pass", runs });
export const fail = (failure: Failure, runs?: number): Verdict => ({ outcome: "fail", ...failure, ...(runs !== undefined && { runs }) });
export const unsupported = (reason: string): Verdict => ({ outcome: "unsupported", reason });

/** Thrown by `expectThat` (or a case) to end the case with a failure. */
export class CaseFailure extends Error {
  constructor(readonly failure: Failure) {
    super(`[${failure.requirement}] expected ${failure.expected}; actual ${failure.actual}`);
    this.name = "CaseFailure";
  }
}

/** Thrown to end the case as unsupported, e.g. when the target lacks a feature. */
export class CaseUnsupported extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "CaseUnsupported";
  }
}

/** Thrown when the target cannot be reached at all: the run stops with exit status 2. */
export class TargetUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TargetUnreachable";
  }
}

/** Fails the case with `failure` unless `ok`. */
export function expectThat(ok: boolean, failure: Failure | (() => Failure)): asserts ok {
  if (!ok) throw new CaseFailure(typeof failure === "function" ? failure() : failure);
}
