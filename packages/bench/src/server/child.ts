/**
 * The server under test, in its own process: the real FerryServer on an
 * SQLite file, with the reference defaults (WAL, synchronous FULL, group
 * commit). Ready with its URLs; answers "commits" (ingest transactions so
 * far); closes gracefully.
 *
 * Run as: node --conditions=source --import tsx child.ts DB_PATH TOKEN
 */
import { Credentials, FerryServer, silentLogger } from "@ferry/reference-server";
import { serveRpc } from "../child-rpc.js";

export interface ServerReady {
  url: string;
  httpUrl: string;
}

const [dbPath, token] = process.argv.slice(2);
if (!dbPath || !token || !process.send) {
  process.stderr.write("usage: child.ts DB_PATH TOKEN (with an IPC channel)\n");
  process.exit(2);
}

const server = await FerryServer.start({
  port: 0,
  dbPath,
  credentials: new Credentials([[token, "*"]]),
  logger: silentLogger,
  // A hundred clients on one address must not look like a flood.
  flood: { intervalMs: 10_000, messages: 1_000_000, bytes: 1 << 30 },
});

/** SqliteStore counts its commits; the Store interface does not promise it, so look for it. */
function commits(): number {
  const n = (server.store as unknown as { commits?: unknown }).commits;
  if (typeof n !== "number") throw new Error("the server's store does not report its commits");
  return n;
}

serveRpc({ url: server.url, httpUrl: server.httpUrl } satisfies ServerReady, (body) => {
  if (body === "commits") return commits();
  throw new Error(`unknown request ${JSON.stringify(body)}`);
}, () => server.close());
