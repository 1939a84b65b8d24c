/**
 * Child process of crash.test.ts: streams events into a SqliteStore through
 * a GroupCommitter as fast as it can and prints one line per ingest that
 * resolved (that is, committed): what the server would acknowledge. The test
 * kills it with SIGKILL at a random point and checks the file.
 *
 * Usage: crash-child.ts <db path> <seed>. Streams resume from the store's
 * custody, as a client resumes from Welcome.custody [HS-4], and re-send a few
 * events already held so that duplicates are part of the load.
 */
import type { IngestRequest } from "../../src/store/index.js";
import { GroupCommitter, SqliteStore } from "../../src/store/index.js";
import { CRASH_DEVICE, CRASH_EPOCH, CRASH_STREAMS, crashPayload, mulberry32 } from "./crash-load.js";

const [path, seedArg] = process.argv.slice(2);
if (!path) throw new Error("usage: crash-child.ts <db path> <seed>");
const rand = mulberry32(Number(seedArg ?? 1));
const store = SqliteStore.open(path);
const committer = new GroupCommitter(store);
const keys = CRASH_STREAMS.map((stream) => ({ stream, epoch: CRASH_EPOCH }));
const next = new Map((await store.custody(CRASH_DEVICE, keys)).map((a) => [a.stream, a.nextSeq]));

for (let t = 0; ; t++) {
  const batch: Array<{ stream: number; first: bigint; count: number; accounted: boolean; resend: boolean; request: IngestRequest }> = [];
  for (let i = 1 + Math.floor(rand() * 4); i > 0; i--) {
    const stream = CRASH_STREAMS[Math.floor(rand() * CRASH_STREAMS.length)]!;
    const at = next.get(stream)!;
    const count = 1 + Math.floor(rand() * 20);
    // Mostly new events; some re-sent ones (duplicates); now and then an accounted range.
    const resend = rand() < 0.15 && at > 5n;
    const accounted = !resend && rand() < 0.05;
    const first = resend ? at - 5n : at;
    if (!resend) next.set(stream, at + BigInt(count));
    const request: IngestRequest = {
      deviceId: CRASH_DEVICE,
      nowMs: t,
      runs: accounted
        ? []
        : [
            {
              stream,
              epoch: CRASH_EPOCH,
              firstSeq: first,
              priority: "bulk",
              ttlMs: 0,
              payloads: Array.from({ length: count }, (_, k) => crashPayload(stream, first + BigInt(k))),
              signatures: [],
            },
          ],
      accountings: accounted
        ? [{ stream, epoch: CRASH_EPOCH, ranges: [{ first, last: first + BigInt(count) - 1n, reason: "overflow" }] }]
        : [],
    };
    batch.push({ stream, first, count, accounted, resend, request });
  }
  // Submitted in one macrotask: one group commit. Printed only once committed.
  const outcomes = await Promise.all(batch.map((b) => committer.submit(b.request)));
  const lines = batch.map((b, i) =>
    JSON.stringify({
      stream: b.stream,
      first: String(b.first),
      count: b.count,
      accounted: b.accounted,
      resend: b.resend,
      stored: outcomes[i]!.stored,
    }),
  );
  process.stdout.write(lines.join("\n") + "\n");
}
