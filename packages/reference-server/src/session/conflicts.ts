/**
 * [ACK-8] [ERR-7] The store reports each refused identity; the peer gets one
 * SEQUENCE_CONFLICT per offending run, naming its first conflicting event.
 */
import type { EventRun, StreamRef } from "@ferry/protocol";

export function firstConflictPerRun(runs: readonly EventRun[], conflicts: readonly StreamRef[]): StreamRef[] {
  if (conflicts.length === 0) return [];
  const out: StreamRef[] = [];
  for (const run of runs) {
    const last = run.firstSeq + BigInt(run.payloads.length) - 1n;
    let first: StreamRef | undefined;
    for (const c of conflicts) {
      if (c.stream !== run.stream || c.epoch !== run.epoch || c.seq < run.firstSeq || c.seq > last) continue;
      if (!first || c.seq < first.seq) first = c;
    }
    if (first) out.push(first);
  }
  return out;
}

export function streamKeyId(k: { stream: number; epoch: number }): string {
  return `${k.stream}/${k.epoch}`;
}
