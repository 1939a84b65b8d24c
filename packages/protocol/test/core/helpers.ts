/** Small builders shared by the core tests. */
import type { EventRun, Message, StreamAck } from "../../src/message.js";

export const bytes = (n: number, fill = n & 0xff) => new Uint8Array(n).fill(fill);

export function ack(nextSeq: bigint, received: Array<[bigint, bigint]> = [], extra: Partial<StreamAck> = {}): StreamAck {
  return { stream: 1, epoch: 7, nextSeq, received: received.map(([first, last]) => ({ first, last })), accounted: [], ...extra };
}

export function runs(messages: Message[]): EventRun[] {
  return messages.flatMap((m) => (m.type === "events" ? [m.events] : []));
}

/** The sequences a list of messages carries, as numbers for readable expectations. */
export function seqs(messages: Message[]): number[] {
  return runs(messages).flatMap((r) => r.payloads.map((_, i) => Number(r.firstSeq) + i));
}

export function accountings(messages: Message[]) {
  return messages.flatMap((m) => (m.type === "accounting" ? m.accounting.ranges : []));
}
