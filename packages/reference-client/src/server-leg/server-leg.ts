/**
 * The app's connection to the server, kept up: one WebSocketLeg after
 * another, with the reconnect backoff of 11.6 between them and the resume
 * token of each Welcome offered by the next Hello [HS-5].
 *
 * The token goes to a TokenStore the moment the Welcome arrives; the app's
 * store keeps it on disk [LIFE-5]; the default keeps it in memory. The last
 * grant is kept too, so the next first flight fits the server's window.
 */
import type { ClientOutcome, CommandAck, Window } from "@ferry/protocol";
import { RECONNECT_BACKOFF, ReconnectBackoff, type BackoffParams } from "./backoff.js";
import { WebSocketLeg, type LegEnd, type WebSocketLegOptions } from "./websocket-leg.js";

export interface TokenStore {
  load(): Uint8Array | undefined;
  save(token: Uint8Array): void;
}

export function memoryTokenStore(initial?: Uint8Array): TokenStore {
  let token = initial;
  return { load: () => token, save: (t) => void (token = t) };
}

export interface ServerLegOptions extends Omit<WebSocketLegOptions, "resumeToken" | "firstFlightWindow"> {
  /** Uniform in [0, 1): the jitter [HS-15]. Default Math.random. */
  random?: () => number;
  backoff?: BackoffParams;
  tokens?: TokenStore;
  /** Each connection's end and the delay chosen before the next attempt. */
  onEnd?(end: LegEnd, delayMs: number): void;
}

export interface ServerLegStats {
  attempts: number;
  welcomes: number;
  resumed: number;
  /** Welcomes with resume_refused set, by code [HS-9]. */
  refused: number;
}

export class ServerLeg {
  readonly backoff: ReconnectBackoff;
  readonly stats: ServerLegStats = { attempts: 0, welcomes: 0, resumed: 0, refused: 0 };
  readonly #o: ServerLegOptions;
  readonly #tokens: TokenStore;
  #window: Window | undefined;
  #leg: WebSocketLeg | undefined;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #lastOutcome: ClientOutcome | undefined;

  constructor(options: ServerLegOptions) {
    this.#o = options;
    this.#tokens = options.tokens ?? memoryTokenStore();
    this.backoff = new ReconnectBackoff(options.backoff ?? RECONNECT_BACKOFF);
  }

  /** The session is established on the current connection. */
  get connected(): boolean {
    return this.#leg?.session.state === "established" && this.#leg.isOpen;
  }

  get leg(): WebSocketLeg | undefined {
    return this.#leg;
  }

  get lastOutcome(): ClientOutcome | undefined {
    return this.#lastOutcome;
  }

  get resumeToken(): Uint8Array | undefined {
    return this.#tokens.load();
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Closes the connection (1000 done, 1001 suspended) and stops reconnecting. */
  async stop(code = 1000, reason = ""): Promise<void> {
    this.#running = false;
    this.#wake?.();
    this.#leg?.close(code, reason);
    await this.#loop;
  }

  /** New items in the source. */
  flush(): void {
    this.#leg?.flush();
  }

  sendCommandAck(ack: CommandAck): boolean {
    return this.#leg?.sendCommandAck(ack) ?? false;
  }

  async #run(): Promise<void> {
    let delay = 0;
    while (this.#running) {
      if (delay > 0) await this.#sleep(delay);
      if (!this.#running) break;
      this.stats.attempts++;
      const token = this.#tokens.load();
      const leg = new WebSocketLeg({
        ...this.#o,
        ...(token && { resumeToken: token }),
        ...(this.#window && { firstFlightWindow: this.#window }),
        onWelcome: (outcome) => this.#welcomed(outcome),
      });
      this.#leg = leg;
      const end = await leg.run();
      if (end.outcome) this.#window = leg.session.window;
      if (!this.#running) break;
      delay = this.backoff.next(end.action, (this.#o.random ?? Math.random)());
      this.#o.onEnd?.(end, delay);
    }
    this.#leg = undefined;
  }

  #welcomed(outcome: ClientOutcome): void {
    // [HS-5] the new token replaces the old one at once; [HS-15] the backoff starts over.
    this.#tokens.save(outcome.resumeToken);
    this.#window = outcome.window;
    this.#lastOutcome = outcome;
    this.backoff.welcomed();
    this.stats.welcomes++;
    if (outcome.resumed) this.stats.resumed++;
    if (outcome.resumeRefused !== 0) this.stats.refused++;
    this.#o.onWelcome?.(outcome);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}
