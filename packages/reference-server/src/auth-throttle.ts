/**
 * "A server also slows down repeated AUTH_FAILED from one source" (chapter
 * 15.4): per remote address, failures are counted in fixed intervals; past
 * the limit the address gets RATE_LIMITED until the interval ends, and
 * everybody else is served as before [ERR-6]. Memory is bounded: an interval
 * forgets every address.
 */
import type { AuthThrottleLimit } from "./config.js";
import type { SourceThrottle } from "./session/context.js";

export class AuthThrottle {
  readonly #limit: AuthThrottleLimit;
  readonly #mono: () => number;
  #intervalStart: number;
  #failures = new Map<string, number>();

  constructor(limit: AuthThrottleLimit, mono: () => number) {
    this.#limit = limit;
    this.#mono = mono;
    this.#intervalStart = mono();
  }

  blocked(source: string): boolean {
    this.#roll();
    return (this.#failures.get(source) ?? 0) >= this.#limit.failures;
  }

  failed(source: string): void {
    this.#roll();
    this.#failures.set(source, (this.#failures.get(source) ?? 0) + 1);
  }

  /** Seconds until a blocked source may try again (Retry-After). */
  retryAfterS(): number {
    return Math.max(1, Math.ceil((this.#intervalStart + this.#limit.intervalMs - this.#mono()) / 1000));
  }

  for(source: string): SourceThrottle {
    return { blocked: () => this.blocked(source), failed: () => this.failed(source) };
  }

  #roll(): void {
    const now = this.#mono();
    if (now - this.#intervalStart < this.#limit.intervalMs) return;
    this.#intervalStart = now;
    this.#failures = new Map();
  }
}
