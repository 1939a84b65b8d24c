/**
 * How a failed attempt is described and logged. Every failure is retried
 * [LIFE-12]; the log tells the vendor which ones are its receiver's fault.
 */
import type { Logger, LogFields } from "../log.js";
import type { AttemptOutcome } from "./transport.js";

export function describeFailure(outcome: AttemptOutcome): string {
  switch (outcome.kind) {
    case "answered":
      return `HTTP ${outcome.response.status}${outcome.response.bodySnippet ? `: ${outcome.response.bodySnippet}` : ""}`;
    case "timeout":
      return "timed out";
    case "failed":
      return outcome.detail;
    case "aborted":
      return "aborted";
  }
}

/**
 * A refusal (4xx other than 408/409/429) is most likely a receiver bug, so
 * it is an error; the rest are warnings. Attempt n is logged when n is a
 * power of two (1, 2, 4, 8, ...), so an outage costs a few lines, not one
 * per retry; the others go to debug.
 */
export function logFailure(logger: Logger, outcome: AttemptOutcome, n: number, fields: LogFields): void {
  const status = outcome.kind === "answered" ? outcome.response.status : undefined;
  const refused = status !== undefined && status >= 400 && status < 500 && ![408, 409, 429].includes(status);
  const all = { ...fields, attempt: n, error: describeFailure(outcome) };
  if ((n & (n - 1)) !== 0) logger.debug("webhook attempt failed", all);
  else if (refused) logger.error("webhook receiver refuses the request; retrying until it accepts (fix the receiver)", all);
  else logger.warn("webhook attempt failed; retrying with backoff", all);
}
