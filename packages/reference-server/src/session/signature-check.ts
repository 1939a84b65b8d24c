/**
 * [SEC-9] [SEC-11] Device signatures checked before ingest. For a device
 * with a registered key, each event of a run is verified over its identity
 * with the run's real epoch [SEC-8]; the events that fail (a missing
 * signature is a failed one) are split out as an accounting with reason
 * `rejected`, so the store acknowledges them and never delivers them, and
 * the vendor sees the rejected range in the delivery log. The verified
 * events go on as runs of consecutive sequence numbers, signatures kept.
 * A device without a registered key is not checked at all.
 */
import { verifyEventSignature, type Accounting, type AccountedRange, type EventRun, type StreamRef } from "@ferry/protocol";
import type { DeviceKeys } from "../device-keys.js";

/** Where a session or batch finds registered keys; absent, nothing is verified. */
export type KeyRegistry = Pick<DeviceKeys, "keyFor" | "size">;

export interface CheckedRuns {
  /** What goes to the store as runs: the verified events (every event, unchecked, without a key). */
  runs: EventRun[];
  /** One accounting per run with failed events, every range with reason `rejected`. */
  rejected: Accounting[];
  /** The first failed event of each such run, for SIGNATURE_INVALID [ERR-1]. */
  firstBad: StreamRef[];
}

export function checkSignatures(runs: readonly EventRun[], deviceId: Uint8Array, keys: KeyRegistry | undefined): CheckedRuns {
  const key = keys?.keyFor(deviceId);
  if (!key) return { runs: [...runs], rejected: [], firstBad: [] };
  const out: CheckedRuns = { runs: [], rejected: [], firstBad: [] };
  for (const run of runs) {
    const ok = run.payloads.map((payload, i) =>
      verifyEventSignature(key, { deviceId, epoch: run.epoch, stream: run.stream, seq: run.firstSeq + BigInt(i) }, payload, run.signatures[i]),
    );
    const ranges: AccountedRange[] = [];
    for (const [from, to, good] of stretches(ok)) {
      const first = run.firstSeq + BigInt(from);
      if (good) out.runs.push({ ...run, firstSeq: first, payloads: run.payloads.slice(from, to), signatures: run.signatures.slice(from, to) });
      else ranges.push({ first, last: run.firstSeq + BigInt(to - 1), reason: "rejected" });
    }
    if (ranges.length === 0) continue;
    out.rejected.push({ stream: run.stream, epoch: run.epoch, ranges });
    out.firstBad.push({ stream: run.stream, epoch: run.epoch, seq: ranges[0]!.first });
  }
  return out;
}

/** Maximal stretches [from, to) of equal verdicts, in order. */
function* stretches(ok: readonly boolean[]): Generator<[number, number, boolean]> {
  let from = 0;
  for (let i = 1; i <= ok.length; i++) {
    if (i === ok.length || ok[i] !== ok[from]) {
      yield [from, i, ok[from]!];
      from = i;
    }
  }
}
