/**
 * The child of crash.test.ts: takes runs of events into a disk outbox in a
 * loop and prints one line per take once it resolved (durable), so the
 * parent knows what the outbox acknowledged before it was killed.
 *
 * argv: LOG_FILE MODE [TEAR_AFTER]
 * - MODE "loop": takes until killed.
 * - MODE "tear": after TEAR_AFTER takes, the next record is written only
 *   half (the rest of the write never happens), the child says "tearing"
 *   and hangs there until it is killed: a kill in the middle of a write.
 */
import { DiskOutbox } from "../../src/outbox/disk-outbox.js";
import { FileLogStorage } from "../../src/outbox/file-log-storage.js";
import type { LogStorage } from "../../src/outbox/log-storage.js";
import { DEV, run } from "./helpers.js";

const [file, mode = "loop", tearAfterArg = "10"] = process.argv.slice(2);
if (!file) {
  process.stderr.write("usage: crash-child LOG_FILE loop|tear [TEAR_AFTER]\n");
  process.exit(2);
}
const tearAfter = Number(tearAfterArg);
const inner = FileLogStorage.open(file);
let takes = 0;
let tearing = false;

const storage: LogStorage = {
  read: () => inner.read(),
  sync: () => inner.sync(),
  truncate: (n) => inner.truncate(n),
  replace: (b) => inner.replace(b),
  close: () => inner.close(),
  append(bytes) {
    if (!tearing) return inner.append(bytes);
    const written = Math.floor(bytes.length / 2);
    inner.append(bytes.subarray(0, written));
    process.stdout.write(`${JSON.stringify({ tearing: written })}\n`, () => {
      // Hang mid-write until SIGKILL.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    });
    throw new Error("unreachable: killed mid-write");
  },
};

const outbox = await DiskOutbox.open(storage);
process.stdout.write(`${JSON.stringify({ opened: outbox.recovered })}\n`);
for (let seq = outbox.held(DEV, { stream: 1, epoch: run(1, 0, 1).epoch }).length; ; seq += 5) {
  if (mode === "tear" && takes === tearAfter) tearing = true;
  try {
    await outbox.take(DEV, [run(1, seq, 5, { size: 200 })]);
  } catch {
    await new Promise(() => {}); // tearing: wait for the kill
  }
  takes++;
  process.stdout.write(`${JSON.stringify({ synced: seq + 4 })}\n`);
}
