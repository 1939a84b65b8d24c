/**
 * Crash safety with a real process and kill -9 [ACK-2]: a child ingests in a
 * loop and prints what each committed ingest reported; it is killed with
 * SIGKILL at a seeded random point, several times on the same file. After
 * each kill the file passes integrity_check and holds every reported event
 * exactly once, in order in the delivery log, with its payload intact.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { CRASH_DEVICE, CRASH_EPOCH, CRASH_STREAMS, crashPayload, mulberry32 } from "./crash-load.js";
import { allDeliveries, openStore, SEED, tempDir } from "./helpers.js";

const CHILD = fileURLToPath(new URL("./crash-child.ts", import.meta.url));
const PACKAGE = fileURLToPath(new URL("../..", import.meta.url));
const tmp = tempDir();
afterAll(() => tmp.cleanup());

interface Reported {
  stream: number;
  first: string;
  count: number;
  accounted: boolean;
  resend: boolean;
  stored: number;
}

/** Runs the child until it has reported `lines` commits (plus a little), then kills it with SIGKILL. */
function runAndKill(path: string, seed: number, lines: number, extraMs: number): Promise<{ reported: Reported[]; ms: number }> {
  return new Promise((resolve, reject) => {
    let started: number | undefined;
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=source", CHILD, path, String(seed)], {
      cwd: PACKAGE,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const reported: Reported[] = [];
    let buffer = "";
    let stderr = "";
    let killing = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      started ??= performance.now();
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        reported.push(JSON.parse(buffer.slice(0, nl)) as Reported);
        buffer = buffer.slice(nl + 1);
      }
      if (!killing && reported.length >= lines) {
        killing = true;
        setTimeout(() => child.kill("SIGKILL"), extraMs);
      }
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("exit", (code, signal) => {
      // A torn last line (killed mid-write) was never fully reported: ignore it.
      if (signal === "SIGKILL") resolve({ reported, ms: performance.now() - (started ?? performance.now()) });
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

describe("crash safety", () => {
  it("[ACK-2] [LIFE-11] every reported event survives kill -9, exactly once and in order; the file stays sound", async () => {
    const path = tmp.file();
    const rand = mulberry32(SEED);
    // What each reported number must be found as; "held" for re-sent events, which the
    // store may hold as an accounting a killed child committed without reporting.
    const expected = new Map<number, Map<bigint, "event" | "accounted" | "held">>(CRASH_STREAMS.map((s) => [s, new Map()]));
    let events = 0;
    let ms = 0;
    for (let round = 0; round < 4; round++) {
      const lines = 5 + Math.floor(rand() * 150);
      const extraMs = Math.floor(rand() * 15);
      const r = await runAndKill(path, SEED + round, lines, extraMs);
      ms += r.ms;
      for (const rep of r.reported) {
        for (let k = 0n; k < BigInt(rep.count); k++) {
          const seq = BigInt(rep.first) + k;
          const was = expected.get(rep.stream)!.get(seq);
          // An accounting never overrides an event already held [ACK-11].
          if (was === undefined) expected.get(rep.stream)!.set(seq, rep.resend ? "held" : rep.accounted ? "accounted" : "event");
        }
        if (!rep.accounted) events += rep.stored;
      }

      const raw = new Database(path);
      expect(raw.pragma("integrity_check", { simple: true })).toBe("ok");
      raw.close();

      const store = openStore(path);
      try {
        const log = await allDeliveries(store);
        for (const stream of CRASH_STREAMS) {
          // The log of the stream: every number from 0 once, in order [ACK-12].
          const seqs: Array<[bigint, string]> = [];
          for (const d of log) {
            if (d.stream !== stream) continue;
            expect(d.deviceId).toEqual(CRASH_DEVICE);
            expect(d.epoch).toBe(CRASH_EPOCH);
            if (d.kind === "event") {
              expect(d.payload).toEqual(crashPayload(stream, d.seq));
              seqs.push([d.seq, "event"]);
            } else for (let s = d.first; s <= d.last; s++) seqs.push([s, "accounted"]);
          }
          seqs.forEach(([s], i) => expect(s).toBe(BigInt(i)));
          // Every reported item is there, as what it was reported as. (The store may hold more:
          // commits whose report the kill cut off.)
          for (const [seq, kind] of expected.get(stream)!) {
            const found = seqs[Number(seq)]?.[1];
            if (kind === "held") expect(found, `stream ${stream} seq ${seq}`).toBeDefined();
            else expect(found, `stream ${stream} seq ${seq}`).toBe(kind);
          }
        }
      } finally {
        await store.close();
      }
    }
    // Information only, never asserted: speed depends on the machine.
    console.log(`crash test: ${events} events stored in ${Math.round(ms)} ms of streaming (${Math.round((events / ms) * 1000)} events/s)`);
  });
});
