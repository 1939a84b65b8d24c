/**
 * Boot and persistence: from the flash image to the device's durable
 * state, and back.
 *
 * Boot (1.2): read the image; when it is missing, torn or corrupt the
 * counters cannot be trusted, so draw a new epoch, restart every stream at
 * 0 and persist both before producing anything [ID-2]. The device id
 * survives only with the image; a blank flash takes the configured one.
 */
import type { SenderState } from "@ferry/protocol";
import type { Flash } from "../flash/flash.js";
import { decodeImage, encodeImage, type DurableState } from "../flash/image.js";
import type { EpochCause } from "./observation.js";
import type { StreamConfig } from "./config.js";

export interface Booted {
  state: DurableState;
  /** Set when the flash could not be trusted and a new epoch was drawn. */
  newEpoch?: { cause: Exclude<EpochCause, "regression">; detail: string };
}

/** [ID-2] non-zero, and different from the previous epoch. */
export function drawEpoch(randomU32: () => number, previous: number): number {
  for (;;) {
    const e = randomU32() >>> 0;
    if (e !== 0 && e !== previous) return e;
  }
}

export function boot(flash: Flash, streams: readonly StreamConfig[], randomU32: () => number, deviceId?: Uint8Array): Booted {
  const image = flash.read();
  const decoded = image === undefined ? undefined : decodeImage(image);
  if (decoded?.ok) {
    const kept = new Map(decoded.state.streams.map((s) => [s.stream, s.state]));
    // A stream configured since the image was written starts at 0 in this epoch; one no longer configured is gone.
    const state = { ...decoded.state, streams: streams.map((c) => ({ stream: c.stream, state: kept.get(c.stream) ?? emptyStream() })) };
    return { state };
  }
  const cause = decoded === undefined ? "blank" : "corrupt";
  const detail = decoded === undefined ? "no image" : decoded.reason;
  const id = deviceId ?? randomBytes(randomU32, 8);
  const state: DurableState = {
    deviceId: id,
    epoch: drawEpoch(randomU32, 0),
    previousEpoch: 0,
    streams: streams.map((c) => ({ stream: c.stream, state: emptyStream() })),
    commands: { highestId: 0n, outcomes: [] },
  };
  flash.write(encodeImage(state));
  return { state, newEpoch: { cause, detail } };
}

export function emptyStream(): SenderState {
  return { nextSeq: 0n, events: [], accounted: [] };
}

function randomBytes(randomU32: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) {
    const r = randomU32() >>> 0;
    for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = (r >>> (8 * k)) & 0xff;
  }
  return out;
}

/**
 * [DHS-6] The device's counters regressed: every item it holds moves to the
 * new epoch, renumbered from 0 per stream in sequence order, an accounted
 * range keeping its length and reason.
 */
export function renumber(state: SenderState): SenderState {
  type Item = { first: bigint } & ({ kind: "event"; e: SenderState["events"][number] } | { kind: "range"; r: SenderState["accounted"][number] });
  const items: Item[] = [
    ...state.events.map((e): Item => ({ first: e.seq, kind: "event", e })),
    ...state.accounted.map((r): Item => ({ first: r.first, kind: "range", r })),
  ].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const out: SenderState = { nextSeq: 0n, events: [], accounted: [] };
  for (const item of items) {
    if (item.kind === "event") out.events.push({ ...item.e, seq: out.nextSeq++ });
    else {
      const length = item.r.last - item.r.first + 1n;
      out.accounted.push({ first: out.nextSeq, last: out.nextSeq + length - 1n, reason: item.r.reason });
      out.nextSeq += length;
    }
  }
  return out;
}

export { encodeImage };
