/**
 * Protocol errors with the stable codes of spec/errors.json [ERR-2].
 *
 * A `ProtocolError` always says who is at fault: `remote` when the peer broke
 * the protocol (its bytes, its state), `local` when this side misused the API
 * or failed. Receivers turn remote errors into an Error message or a close
 * code from the same table [ERR-4].
 */
import { ERROR_TABLE } from "./generated/spec.js";

type ErrorEntry = (typeof ERROR_TABLE)[number];
export type ErrorName = ErrorEntry["name"];

/** Numeric codes by name, straight from spec/errors.json. */
export const ErrorCode = Object.fromEntries(ERROR_TABLE.map((e) => [e.name, e.code])) as {
  readonly [N in ErrorName]: Extract<ErrorEntry, { name: N }>["code"];
};
export type ErrorCode = (typeof ErrorCode)[ErrorName];

export type ErrorInfo = {
  code: number;
  name: ErrorName;
  fault: ErrorEntry["fault"];
  action: ErrorEntry["action"];
  summary: string;
  websocketClose?: number;
  httpStatus?: number;
};

const byCode = new Map<number, ErrorInfo>(ERROR_TABLE.map((e) => [e.code, e as ErrorInfo]));

/** The table entry for a code, or undefined for a code this version does not know. */
export function errorInfo(code: number): ErrorInfo | undefined {
  return byCode.get(code);
}

export type Fault = "remote" | "local";

export class ProtocolError extends Error {
  readonly code: ErrorCode;
  readonly errorName: ErrorName;
  readonly fault: Fault;

  constructor(name: ErrorName, detail: string, fault: Fault = "remote") {
    super(`${name}: ${detail}`);
    this.name = "ProtocolError";
    this.errorName = name;
    this.code = ErrorCode[name];
    this.fault = fault;
  }

  get info(): ErrorInfo {
    return byCode.get(this.code)!;
  }
}

export function isProtocolError(e: unknown, name?: ErrorName): e is ProtocolError {
  return e instanceof ProtocolError && (name === undefined || e.errorName === name);
}
