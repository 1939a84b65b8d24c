/**
 * What a sending hop holds in custody, per event, and the transitions an
 * event goes through until an acknowledgement frees it [ACK-2] [ACK-14].
 *
 *   queued --send--> sent --hop ack, end-to-end stream--> downstream
 *     ^               |  \--ack (hop or end-to-end)--> freed
 *     |               |
 *     +--resume, shown lost by an ack, retransmit timeout
 *   downstream --end-to-end ack--> freed;  --resume--> queued
 *
 * A queued event past its deadline is never sent: it leaves custody as an
 * EXPIRED accounting instead [PRIO-5] [PRIO-6]. Overflow takes an event in
 * any state and leaves an OVERFLOW accounting [PRIO-10].
 */
import type { AccountedRange } from "../message.js";

export type CustodyState = "queued" | "sent" | "downstream";

/** One event in a sender's custody, as the sender sees it. */
export interface HeldEvent {
  readonly seq: bigint;
  readonly payload: Uint8Array;
  /** Ed25519 signature carried unchanged by every hop [SEC-8]. */
  readonly signature?: Uint8Array;
  /** On this hop's monotonic clock; absent: the event never expires [PRIO-5]. */
  readonly deadline?: number;
  /** Order of arrival in the buffer, across streams: smaller is older [PRIO-10]. */
  readonly arrival: number;
  readonly state: CustodyState;
  /** When it was last sent on this connection. */
  readonly sentAt?: number;
}

/** Custody transitions, as data a reader can scan (and a script can draw). */
export const CUSTODY_TRANSITIONS = [
  { from: "queued", on: "send", to: "sent" },
  { from: "sent", on: "ack (frees)", to: "freed" },
  { from: "sent", on: "hop ack, end-to-end stream", to: "downstream" },
  { from: "sent", on: "resume | an ack covers a later send but not it | retransmit timeout", to: "queued" },
  { from: "downstream", on: "end-to-end ack", to: "freed" },
  { from: "downstream", on: "resume", to: "queued" },
  { from: "queued", on: "deadline passed", to: "accounted EXPIRED" },
  { from: "queued | sent | downstream", on: "overflow", to: "accounted OVERFLOW" },
] as const;

/** A sender's durable state, what a device keeps in flash (restored after a reboot). */
export interface SenderState {
  /** Next sequence a producer assigns [ID-5]. */
  nextSeq: bigint;
  events: Array<Pick<HeldEvent, "seq" | "payload" | "signature" | "deadline" | "arrival">>;
  accounted: AccountedRange[];
}
