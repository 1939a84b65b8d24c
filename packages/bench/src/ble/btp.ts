/**
 * The comparison point for Ferry's fragment header: a per-fragment header of
 * 3 to 5 bytes, as Matter's Bluetooth Transport Protocol (BTP) uses. A BTP
 * data segment carries a flags byte, an acknowledgement number (when an ack
 * is piggybacked, as it is on a busy link), a sequence number, and on the
 * first segment of a message a 2-byte message length. So: 5 header bytes on
 * the first fragment and 3 on each continuation, every fragment filled to
 * F = min(MTU - 3, 512) bytes like Ferry's. Arithmetic only: no BTP is run.
 */
import { fragmentSize } from "@ferry/protocol";

export const BTP_FIRST_HEADER = 5;
export const BTP_CONTINUATION_HEADER = 3;

/** Fragments a BTP-like framing needs for an SDU of `sduLength` bytes. */
export function btpFragmentCount(sduLength: number, attMtu: number): number {
  const f = fragmentSize(attMtu);
  const rest = sduLength - (f - BTP_FIRST_HEADER);
  return rest <= 0 ? 1 : 1 + Math.ceil(rest / (f - BTP_CONTINUATION_HEADER));
}

/** Notification payload bytes for one SDU with BTP-like headers. */
export function btpNotificationBytes(sduLength: number, attMtu: number): number {
  return sduLength + BTP_FIRST_HEADER + (btpFragmentCount(sduLength, attMtu) - 1) * BTP_CONTINUATION_HEADER;
}
