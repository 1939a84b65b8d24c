/**
 * Observations as JSON lines, and the counters the `status` line reports,
 * so a test or `pnpm demo` can count what the device produced, had
 * acknowledged, dropped, let expire and executed.
 */
import type { Range } from "@ferry/protocol";
import type { DeviceStatus } from "../device/device.js";
import type { Observation } from "../device/observation.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const ranges = (rs: Range[]) => rs.map((r) => ({ first: String(r.first), last: String(r.last) }));
const count = (rs: Range[]) => rs.reduce((n, r) => n + Number(r.last - r.first + 1n), 0);

export function observationJson(o: Observation): Record<string, unknown> {
  switch (o.event) {
    case "produced":
      return { ...o, seq: String(o.seq) };
    case "acknowledged":
      return { ...o, freed: ranges(o.freed), kept: ranges(o.kept) };
    case "dropped":
    case "expired":
      return { ...o, ranges: ranges(o.ranges) };
    case "command":
      return { ...o, id: String(o.id), payload: hex(o.payload) };
    default:
      return { ...o };
  }
}

/** One line: the time (ms since start) first, then the observation's fields. */
export function observationLine(t: number, json: Record<string, unknown>): string {
  return `${JSON.stringify({ t: Math.round(t), ...json })}\n`;
}

export class Counters {
  produced = 0;
  /** Sequence numbers that left custody on an acknowledgement. */
  acknowledged = 0;
  dropped = 0;
  expired = 0;
  commands = 0;
  connections = 0;

  see(o: Observation): void {
    if (o.event === "produced") this.produced++;
    else if (o.event === "acknowledged") this.acknowledged += count(o.freed);
    else if (o.event === "dropped") this.dropped += count(o.ranges);
    else if (o.event === "expired") this.expired += count(o.ranges);
    else if (o.event === "command" && !o.duplicate) this.commands++;
    else if (o.event === "connected") this.connections++;
  }

  statusJson(s: DeviceStatus): Record<string, unknown> {
    return {
      event: "status",
      deviceId: hex(s.deviceId),
      epoch: s.epoch,
      connected: s.connected,
      session: s.session,
      mtu: s.mtu,
      buffered: s.buffered,
      capacity: s.capacity,
      streams: s.streams.map((x) => ({ ...x, nextSeq: String(x.nextSeq), accounted: String(x.accounted) })),
      counters: { produced: this.produced, acknowledged: this.acknowledged, dropped: this.dropped, expired: this.expired, commands: this.commands, connections: this.connections },
    };
  }
}
