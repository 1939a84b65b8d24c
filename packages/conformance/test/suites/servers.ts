/**
 * Servers for the suite tests, in process on loopback with a temporary
 * SQLite file: the reference server as the toolkit starts it, and broken
 * ones, whose store is wrapped to break one rule the suite must catch.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IngestOutcome, IngestRequest } from "@ferry/reference-server";
import { Credentials, FerryServer, silentLogger } from "@ferry/reference-server";
import { DEFAULT_SETUP, serverSetup, type ServerTarget } from "../../src/targets/server-target.js";

export interface Breakage {
  /** Acknowledges a conflicting payload silently: no SEQUENCE_CONFLICT [ACK-8]. */
  swallowConflicts?: boolean;
  /** Answers a request holding duplicates with a custody that went back [ACK-5] [ACK-7]. */
  regressOnDuplicates?: boolean;
}

export interface TestServer {
  server: FerryServer;
  target: ServerTarget;
  close(): Promise<void>;
}

function broken(outcome: IngestOutcome, request: IngestRequest, b: Breakage): IngestOutcome {
  let out = outcome;
  if (b.swallowConflicts && out.conflicts.length > 0) out = { ...out, conflicts: [] };
  if (b.regressOnDuplicates && out.duplicates > 0) {
    const firstOf = (stream: number, epoch: number) => request.runs.filter((r) => r.stream === stream && r.epoch === epoch).reduce((m, r) => (r.firstSeq < m ? r.firstSeq : m), 1n << 64n);
    out = { ...out, custody: out.custody.map((c) => ({ ...c, nextSeq: firstOf(c.stream, c.epoch) < c.nextSeq ? firstOf(c.stream, c.epoch) : c.nextSeq, received: [] })) };
  }
  return out;
}

export async function startServer(breakage: Breakage = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "ferry-conformance-test-"));
  const server = await FerryServer.start({
    port: 0,
    dbPath: join(dir, "ferry.db"),
    credentials: new Credentials([[DEFAULT_SETUP.credential, new Set([DEFAULT_SETUP.deviceId, DEFAULT_SETUP.device2])]]),
    flood: { intervalMs: 10_000, messages: 2_000, bytes: 64 * 1024 * 1024 },
    logger: silentLogger,
    shutdownGraceMs: 200,
  });
  if (breakage.swallowConflicts || breakage.regressOnDuplicates) {
    const store = server.store;
    const ingest = store.ingest.bind(store);
    // The group committer calls store.ingest at each commit: the wrapper sees every request.
    store.ingest = async (requests) => (await ingest(requests)).map((o, i) => broken(o, requests[i]!, breakage));
  }
  const target: ServerTarget = { role: "server", url: server.url, httpUrl: server.httpUrl, setup: { ...serverSetup({}), device2Given: true, foreignDeviceGiven: true }, controls: {}, reference: false };
  return {
    server,
    target,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
