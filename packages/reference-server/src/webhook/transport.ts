/**
 * How a webhook request leaves the process: node's global fetch by default,
 * any function of this shape in tests. One attempt is bounded by a timeout
 * (on the injected clock) and by the dispatcher's abort, whichever is first.
 */
import type { Clock } from "./clock.js";

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

export interface WebhookResponse {
  status: number;
  /** The receiver's Retry-After header, if any. */
  retryAfter?: string;
  /** The start of the response body, for the log when delivery fails. */
  bodySnippet?: string;
}

export type WebhookTransport = (req: WebhookRequest) => Promise<WebhookResponse>;

/**
 * POST with fetch. Redirects are not followed (fetch would turn a 301/302
 * POST into a GET): a 3xx is a failure the vendor sees in the log. The body
 * is read so the connection can be reused.
 */
export const fetchTransport: WebhookTransport = async (req) => {
  const res = await fetch(req.url, { method: "POST", headers: req.headers, body: req.body, signal: req.signal, redirect: "manual" });
  const text = await res.text();
  const retryAfter = res.headers.get("retry-after");
  return { status: res.status, bodySnippet: text.slice(0, 200), ...(retryAfter !== null ? { retryAfter } : {}) };
};

export type AttemptOutcome =
  | { kind: "answered"; response: WebhookResponse }
  | { kind: "timeout" }
  | { kind: "failed"; detail: string }
  | { kind: "aborted" };

/** One attempt: the transport raced against the timeout and `abort`. */
export async function attempt(
  transport: WebhookTransport,
  req: Omit<WebhookRequest, "signal">,
  timeoutMs: number,
  clock: Clock,
  abort: AbortSignal,
): Promise<AttemptOutcome> {
  if (abort.aborted) return { kind: "aborted" };
  const controller = new AbortController();
  const timerStop = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(new Error("webhook dispatcher stopped"));
  abort.addEventListener("abort", onAbort, { once: true });
  // A transport that ignores its signal must not hang the dispatcher: the
  // race settles on the timeout or the abort whatever the transport does.
  const ended = new Promise<AttemptOutcome>((resolve) => {
    void clock.sleep(timeoutMs, timerStop.signal).then(() => {
      if (timerStop.signal.aborted) return;
      timedOut = true;
      controller.abort(new Error(`webhook timed out after ${timeoutMs} ms`));
      resolve({ kind: "timeout" });
    });
    controller.signal.addEventListener("abort", () => resolve(timedOut ? { kind: "timeout" } : { kind: "aborted" }), { once: true });
  });
  const sent = transport({ ...req, signal: controller.signal }).then(
    (response): AttemptOutcome => ({ kind: "answered", response }),
    (err: unknown): AttemptOutcome => ({ kind: "failed", detail: describe(err) }),
  );
  try {
    const outcome = await Promise.race([sent, ended]);
    // A late 2xx after our abort still counts as failed: we cannot know it
    // arrived, so the entry is sent again and the receiver dedups.
    return outcome;
  } finally {
    timerStop.abort();
    abort.removeEventListener("abort", onAbort);
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
}
