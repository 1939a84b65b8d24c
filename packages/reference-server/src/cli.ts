/**
 * The `ferry-server` command. Parses the options, starts a FerryServer and
 * prints one line when it is ready to serve:
 *
 *   ferry-server listening ws://HOST:PORT/v1/ws http://HOST:PORT
 *   ferry-server listening wss://HOST:PORT/v1/ws https://HOST:PORT   (with --tls-cert, --tls-key)
 *
 * so scripts and tests can wait for it. SIGINT or SIGTERM shut it down
 * gracefully (sockets close with 1001 and clients resume later); a second
 * signal exits at once. Bad usage exits with status 2.
 */
import { DeviceKeys } from "./device-keys.js";
import { parseArgs } from "node:util";
import { readFileSync, realpathSync } from "node:fs";
import { createSecureContext } from "node:tls";
import { fileURLToPath } from "node:url";
import { Credentials } from "./auth.js";
import { checkWebhook, DEFAULTS, WEBHOOK_DEFAULTS, type TlsOptions, type WebhookOptions } from "./config.js";
import { isLogLevel, LOG_LEVELS } from "./log.js";
import { parseKeyHex } from "./resume-keys.js";
import { FerryServer } from "./server.js";

export const HELP = `Usage: ferry-server [options]

Runs the Ferry reference server: the WebSocket binding on /v1/ws, the HTTP
batch binding on /v1/batch, GET /v1/health, and the vendor application's API
(/v1/events, /v1/devices/...) on one port, storing custody in an SQLite file.

Options:
  --port N               TCP port (default ${DEFAULTS.port}; 0 picks a free one)
  --host HOST            address to listen on (default ${DEFAULTS.host}); beyond
                         loopback, use TLS [SEC-3]
  --tls-cert FILE        PEM certificate chain (leaf first): serve wss:// and
                         https:// on the port instead of ws:// and http://;
                         needs --tls-key
  --tls-key FILE         PEM private key of --tls-cert (not encrypted)
  --db PATH              SQLite database file, created on first start
                         (default ${DEFAULTS.dbPath})
  --token TOKEN          accept this credential for every device (demos);
                         also read from FERRY_TOKEN
  --tokens FILE          credentials file: JSON object mapping each token to
                         an array of hex device ids, or to "*" for all devices
  --device-keys FILE     JSON object mapping device ids (hex) to Ed25519 public
                         keys (hex): events of those devices must carry valid
                         signatures, others are accounted REJECTED [SEC-11];
                         the Welcome then offers FEATURE_SIGNED_EVENTS [SEC-14]
  --admin-token TOKEN    bearer token of the vendor API (/v1/events,
                         /v1/devices/...); also read from FERRY_ADMIN_TOKEN;
                         without it that API is off
  --resume-key HEX       resume token key, 32 bytes in hex; repeat to rotate:
                         the first mints, every one verifies (default: a
                         random key kept in PATH.key beside the database)
  --resume-ttl SECONDS   lifetime of resume tokens (default ${DEFAULTS.resumeTtlS})
  --max-message BYTES    largest WebSocket message or batch body accepted
                         (default ${DEFAULTS.maxMessage})
  --window-events N      events in flight granted to each session (default ${DEFAULTS.window.events})
  --window-bytes N       payload bytes in flight granted (default ${DEFAULTS.window.bytes})
  --flood-messages N     messages (Pings included) per connection and
                         interval before RATE_LIMITED (default ${DEFAULTS.flood.messages};
                         below 1000 per 10 s breaks [WS-9])
  --flood-bytes N        bytes per connection and interval (default ${DEFAULTS.flood.bytes})
  --flood-interval MS    flood counting interval (default ${DEFAULTS.flood.intervalMs})
  --gap-timeout SECONDS  a gap below held events that nobody fills for this
                         long is accounted lost, so hand-off goes on [ACK-21]
                         (default ${DEFAULTS.gapTimeoutMs / 1000}; at least 3600)
  --auth-fail-limit N    failed credentials per address and minute before
                         that address is RATE_LIMITED (default ${DEFAULTS.authThrottle.failures})
  --log-level LEVEL      ${LOG_LEVELS.join(" | ")} (default ${DEFAULTS.logLevel})
  -h, --help             show this help

Webhooks (docs/webhooks.md): every entry of the delivery log is POSTed as a
CloudEvent, signed, in order, retried with backoff until the receiver answers
2xx; the receiver deduplicates by Idempotency-Key.
  --webhook-url URL      the receiver (http or https); needs a secret
  --webhook-secret S     HMAC-SHA256 signing secret; repeat to rotate (every
                         secret signs every request); also read from
                         FERRY_WEBHOOK_SECRET when no secret option is given
                         (prefer it or the file: arguments show in ps)
  --webhook-secret-file PATH
                         signing secrets, one per line (blank lines ignored)
  --webhook-timeout-ms MS
                         per-attempt timeout (default ${WEBHOOK_DEFAULTS.timeoutMs})
  --webhook-batch-size N
                         CloudEvents per request (default ${WEBHOOK_DEFAULTS.batchSize}: one event with
                         its Idempotency-Key; above 1, JSON batches)
  --webhook-cursor PATH  file keeping the position of the last confirmed entry
                         (default PATH.webhook-cursor beside the database)

Prints "ferry-server listening WS_URL HTTP_URL" on stdout once it serves.
Exit status: 0 after a clean shutdown (SIGINT, SIGTERM), 1 on a failure,
2 on bad usage.
`;

/** Every option of the command; --help documents each one (a test checks). */
export const OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  db: { type: "string" },
  token: { type: "string" },
  tokens: { type: "string" },
  "device-keys": { type: "string" },
  "admin-token": { type: "string" },
  "resume-key": { type: "string", multiple: true },
  "resume-ttl": { type: "string" },
  "max-message": { type: "string" },
  "window-events": { type: "string" },
  "window-bytes": { type: "string" },
  "flood-messages": { type: "string" },
  "flood-bytes": { type: "string" },
  "flood-interval": { type: "string" },
  "auth-fail-limit": { type: "string" },
  "gap-timeout": { type: "string" },
  "log-level": { type: "string" },
  "webhook-url": { type: "string" },
  "webhook-secret": { type: "string", multiple: true },
  "webhook-secret-file": { type: "string" },
  "webhook-timeout-ms": { type: "string" },
  "webhook-batch-size": { type: "string" },
  "webhook-cursor": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

class UsageError extends Error {}

function int(name: string, text: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv = process.env): Parameters<typeof FerryServer.start>[0] | "help" {
  let values;
  // `pnpm start -- --port 0` hands the separator on; it means nothing here.
  const args = argv[0] === "--" ? argv.slice(1) : argv;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: OPTIONS,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return "help";

  const credentials = values.tokens ? loadTokens(values.tokens) : new Credentials();
  const token = values.token ?? env.FERRY_TOKEN;
  if (token !== undefined) credentials.add(token, "*");
  if (credentials.size === 0) throw new UsageError("no credentials: give --token TOKEN or --tokens FILE");

  const logLevel = values["log-level"] ?? DEFAULTS.logLevel;
  if (!isLogLevel(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(", ")}`);
  let resumeKeys: Uint8Array[] | undefined;
  try {
    resumeKeys = values["resume-key"]?.map(parseKeyHex);
  } catch (e) {
    throw new UsageError(`--resume-key: ${(e as Error).message}`);
  }
  const windowEvents = int("window-events", values["window-events"], 0, 0xffffffff);
  const windowBytes = int("window-bytes", values["window-bytes"], 0, 0xffffffff);
  const failures = int("auth-fail-limit", values["auth-fail-limit"], 1);
  // [ACK-21] at least one hour.
  const gapTimeoutS = int("gap-timeout", values["gap-timeout"], 3600, 0xffffffff);
  return {
    port: int("port", values.port, 0, 65535),
    host: values.host,
    dbPath: values.db,
    credentials,
    adminToken: values["admin-token"] ?? env.FERRY_ADMIN_TOKEN,
    resumeKeys,
    resumeTtlS: int("resume-ttl", values["resume-ttl"], 1, 0xffffffff),
    maxMessage: int("max-message", values["max-message"], 64, 0xffffffff),
    window: { events: windowEvents ?? DEFAULTS.window.events, bytes: windowBytes ?? DEFAULTS.window.bytes },
    flood: {
      messages: int("flood-messages", values["flood-messages"], 1) ?? DEFAULTS.flood.messages,
      bytes: int("flood-bytes", values["flood-bytes"], 1) ?? DEFAULTS.flood.bytes,
      intervalMs: int("flood-interval", values["flood-interval"], 1) ?? DEFAULTS.flood.intervalMs,
    },
    gapTimeoutMs: gapTimeoutS === undefined ? undefined : gapTimeoutS * 1000,
    authThrottle: { failures: failures ?? DEFAULTS.authThrottle.failures, intervalMs: DEFAULTS.authThrottle.intervalMs },
    logLevel,
    webhook: parseWebhook(values, env),
    tls: parseTls(values["tls-cert"], values["tls-key"]),
    ...(values["device-keys"] ? { deviceKeys: loadDeviceKeys(values["device-keys"]) } : {}),
  };
}

/** [SEC-3] Both files or neither; read and checked here, so a bad pair is bad usage, not a failed start. */
function parseTls(certPath: string | undefined, keyPath: string | undefined): TlsOptions | undefined {
  if (certPath === undefined && keyPath === undefined) return undefined;
  if (certPath === undefined) throw new UsageError("--tls-key needs --tls-cert");
  if (keyPath === undefined) throw new UsageError("--tls-cert needs --tls-key");
  const read = (option: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (e) {
      throw new UsageError(`--${option}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  const tls = { cert: read("tls-cert", certPath), key: read("tls-key", keyPath) };
  try {
    createSecureContext(tls);
  } catch (e) {
    throw new UsageError(`--tls-cert, --tls-key: not a usable certificate and key pair (${(e as Error).message})`);
  }
  return tls;
}

interface WebhookValues {
  "webhook-url"?: string | undefined;
  "webhook-secret"?: string[] | undefined;
  "webhook-secret-file"?: string | undefined;
  "webhook-timeout-ms"?: string | undefined;
  "webhook-batch-size"?: string | undefined;
  "webhook-cursor"?: string | undefined;
}

const WEBHOOK_DETAILS = ["webhook-secret", "webhook-secret-file", "webhook-timeout-ms", "webhook-batch-size", "webhook-cursor"] as const;

/** The webhook options, or undefined without --webhook-url. Messages never quote a secret. */
function parseWebhook(values: WebhookValues, env: NodeJS.ProcessEnv): WebhookOptions | undefined {
  const url = values["webhook-url"];
  if (url === undefined) {
    // Settings without a URL are a configuration that silently delivers nothing.
    const stray = WEBHOOK_DETAILS.find((name) => values[name] !== undefined);
    if (stray) throw new UsageError(`--${stray} needs --webhook-url`);
    return undefined;
  }
  const secrets = [...(values["webhook-secret"] ?? [])];
  const file = values["webhook-secret-file"];
  if (file !== undefined) secrets.push(...readSecrets(file));
  if (secrets.length === 0 && env.FERRY_WEBHOOK_SECRET) secrets.push(env.FERRY_WEBHOOK_SECRET);
  if (secrets.length === 0) throw new UsageError("--webhook-url needs a signing secret: give --webhook-secret S, --webhook-secret-file PATH or FERRY_WEBHOOK_SECRET");
  if (secrets.some((s) => s.length === 0)) throw new UsageError("--webhook-secret must not be empty");
  const webhook: WebhookOptions = {
    url,
    secrets: [...new Set(secrets)],
    // setTimeout's limit: a longer timeout would fire at once.
    timeoutMs: int("webhook-timeout-ms", values["webhook-timeout-ms"], 1, 0x7fffffff),
    batchSize: int("webhook-batch-size", values["webhook-batch-size"], 1, 10_000),
    cursorPath: values["webhook-cursor"],
  };
  try {
    checkWebhook(webhook);
  } catch (e) {
    throw new UsageError(`--webhook-url: ${(e as Error).message}`);
  }
  return webhook;
}

function readSecrets(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`--webhook-secret-file: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const secrets = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
  if (secrets.length === 0) throw new UsageError(`--webhook-secret-file: no secret in ${path}`);
  return secrets;
}

function loadTokens(path: string): Credentials {
  try {
    return Credentials.fromFile(path);
  } catch (e) {
    throw new UsageError(`--tokens: ${(e as Error).message}`);
  }
}

export async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseCommandLine(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`ferry-server: ${e.message}\nTry 'ferry-server --help'.\n`);
    return 2;
  }
  if (options === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  const server = await FerryServer.start(options);
  process.stdout.write(`ferry-server listening ${server.url} ${server.httpUrl}\n`);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return process.exit(1);
      stopping = true;
      process.stderr.write(`ferry-server: ${signal}, shutting down\n`);
      server.close().then(
        () => resolve(0),
        (e: unknown) => {
          process.stderr.write(`ferry-server: shutdown failed: ${String(e)}\n`);
          resolve(1);
        },
      );
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
  });
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`ferry-server: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}

function loadDeviceKeys(path: string): DeviceKeys {
  try {
    return DeviceKeys.fromFile(path);
  } catch (e) {
    throw new UsageError(`--device-keys: ${(e as Error).message}`);
  }
}
