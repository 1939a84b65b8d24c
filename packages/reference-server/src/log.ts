/**
 * Leveled logging to stderr, one line per entry: time, level, message, then
 * key=value fields. Hostile input must cost one line per offence, not one
 * per byte [ERR-7], so connections log through an OffenceLog that writes
 * the first occurrence of each error and counts the repeats.
 */

export const LOG_LEVELS = ["error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, string | number | boolean | bigint | undefined>;

export interface Logger {
  readonly level: LogLevel;
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  enabled(level: LogLevel): boolean;
}

export function isLogLevel(s: string): s is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(s);
}

function format(fields: LogFields | undefined): string {
  if (!fields) return "";
  let out = "";
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const text = String(v);
    out += ` ${k}=${/[\s"=]/.test(text) ? JSON.stringify(text) : text}`;
  }
  return out;
}

export function createLogger(level: LogLevel = "info", write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const rank = LOG_LEVELS.indexOf(level);
  const enabled = (l: LogLevel) => LOG_LEVELS.indexOf(l) <= rank;
  const at = (l: LogLevel) => (message: string, fields?: LogFields) => {
    if (enabled(l)) write(`${new Date().toISOString()} ${l.padEnd(5)} ${message}${format(fields)}\n`);
  };
  return { level, enabled, error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") };
}

/** A logger that drops everything: for tests and embedding. */
export const silentLogger: Logger = createLogger("error", () => {});

/**
 * Per connection (or per source): the first offence of each kind is logged
 * at warn, repeats only counted and summarised once when the connection
 * ends, so a flood of garbage costs a bounded number of lines.
 */
export class OffenceLog {
  readonly #log: Logger;
  readonly #context: LogFields;
  readonly #repeats = new Map<string, number>();

  constructor(log: Logger, context: LogFields) {
    this.#log = log;
    this.#context = context;
  }

  /** Input refused with an error of the table (or a timeout). */
  offence(kind: string, detail: string, fields?: LogFields): void {
    if (this.#first(kind)) this.#log.warn(`refused peer input ${kind}: ${detail}`, { ...this.#context, ...fields });
  }

  /** An Error message the peer sent [ERR-8]: logged, nothing else. */
  peerError(code: number, detail: string): void {
    if (this.#first(`peer-error-${code}`)) this.#log.info(`peer sent Error ${code}: ${detail.slice(0, 200)}`, this.#context);
  }

  #first(kind: string): boolean {
    const seen = this.#repeats.get(kind);
    this.#repeats.set(kind, seen === undefined ? 0 : seen + 1);
    return seen === undefined;
  }

  /** One summary line for the repeats that were not logged. */
  summarise(): void {
    const repeated = [...this.#repeats].filter(([, n]) => n > 0);
    if (repeated.length === 0) return;
    this.#log.warn("repeated offences not logged individually", {
      ...this.#context,
      repeats: repeated.map(([k, n]) => `${k}x${n}`).join(","),
    });
  }
}
