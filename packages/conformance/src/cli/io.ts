/**
 * Where output goes: the format's document on stdout; progress on stdout in
 * text format and on stderr otherwise, so `--format json > report.json`
 * stays valid JSON.
 */
import type { RunSink } from "../runner/run.js";
import { textSink } from "../report/text.js";
import type { Format } from "./options.js";

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** One line of progress. */
  progress(line: string): void;
  sink: RunSink;
}

export function processIo(format: Format, write: { out(t: string): void; err(t: string): void } = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }): Io {
  const progress = (line: string) => (format === "text" ? write.out : write.err)(`${line}\n`);
  return { out: write.out, err: write.err, progress, sink: textSink(progress) };
}
