/**
 * The server's custody of the device's critical streams, relayed to the
 * device as SCOPE_END_TO_END [ACK-13] [ACK-14]: so the device frees a
 * critical event only once the server holds it.
 *
 * The app hands in the StreamAcks the server sent; they go to the device
 * unchanged, epoch included, after the handshake and whenever one advances
 * past what this connection relayed. Only streams the device declares
 * critical in its current epoch are relayed [ENV-12]; the device ignores
 * other epochs anyway. A StreamAck whose next_seq went back is stale [ACK-5].
 */
import type { Ack, StreamAck } from "@ferry/protocol";

const id = (a: StreamAck) => `${a.stream}/${a.epoch}`;

export class EndToEndRelay {
  #latest = new Map<string, StreamAck>();
  #relayed = new Map<string, StreamAck>();

  /** The server's custody, as it arrives (any streams; filtered when relayed). */
  offer(acks: readonly StreamAck[]): void {
    for (const a of acks) {
      const held = this.#latest.get(id(a));
      if (held && a.nextSeq < held.nextSeq) continue;
      this.#latest.set(id(a), a);
    }
  }

  /** The Ack to write now, if the server's custody of a critical stream is ahead of what was relayed. */
  poll(isCritical: (stream: number, epoch: number) => boolean): Ack | undefined {
    const due = [...this.#latest.values()].filter((a) => isCritical(a.stream, a.epoch) && !same(a, this.#relayed.get(id(a))));
    if (due.length === 0) return undefined;
    for (const a of due) this.#relayed.set(id(a), a);
    return { streams: due, scope: "end-to-end", commandsPending: 0 };
  }
}

function same(a: StreamAck, b: StreamAck | undefined): boolean {
  if (!b || a.nextSeq !== b.nextSeq) return false;
  const key = (x: StreamAck) =>
    [...x.received.map((r) => `${r.first}-${r.last}`), "|", ...x.accounted.map((r) => `${r.first}-${r.last}:${r.reason}`)].join(",");
  return key(a) === key(b);
}
