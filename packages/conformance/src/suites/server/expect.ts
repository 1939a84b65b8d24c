/** The checks hostile-input cases share: the Error a server must send, the close that must follow, what must stay unstored. */
import { errorInfo, type StreamKey } from "@ferry/protocol";
import { CaseFailure, type CaseContext } from "../../runner/case.js";
import type { ServerTarget } from "../../targets/server-target.js";
import { ANSWER_MS, type Connection } from "./connection.js";
import { streamAckOf } from "./messages.js";
import { custodyOf } from "./session.js";

const nameOf = (code: number) => `${errorInfo(code)?.name ?? "?"} (${code})`;

function received(conn: Connection): string {
  const errors = conn.errors();
  const parts = [errors.length ? `Error ${errors.map(nameOf).join(", ")}` : "no Error"];
  parts.push(conn.closedWith ? `close ${conn.closedWith.code}` : "the connection left open");
  return parts.join(", then ");
}

/**
 * The Error with `code`, then, for an error whose action is close, the close
 * with its code from the error table [WS-6] [ERR-4]; for the others, the
 * connection stays open [WS-7].
 */
export async function expectRefusal(conn: Connection, code: number, requirement: string): Promise<void> {
  const info = errorInfo(code)!;
  const close = info.websocketClose;
  const error = await conn.next((m) => m.type === "error");
  if (close !== undefined) await conn.closeWithin();
  else await new Promise((r) => setTimeout(r, 100));
  const expected = `Error ${nameOf(code)}${close !== undefined ? `, then close ${close}` : ", and the connection kept open"}`;
  const errors = conn.errors();
  const ok = error?.type === "error" && error.error.code === code && errors.length === 1 && (close === undefined ? conn.isOpen : conn.closedWith?.code === close);
  if (!ok) {
    const extra = errors.length > 1 ? ` (${errors.length} Errors for one offending message [ERR-7])` : "";
    throw new CaseFailure({ requirement, expected, actual: `${received(conn)}${extra}${!error && !conn.closedWith ? ` within ${ANSWER_MS} ms` : ""}` });
  }
}

/** Nothing of these streams was stored: custody next_seq 0 and no ranges [ERR-5] [HS-13]. */
export async function expectNothingStored(ctx: CaseContext<ServerTarget>, keys: StreamKey[], requirement: string, what: string): Promise<void> {
  const custody = await custodyOf(ctx, keys);
  for (const k of keys) {
    const s = streamAckOf(custody, k.stream, k.epoch);
    if (s && (s.nextSeq !== 0n || s.received.length > 0 || s.accounted.length > 0)) {
      throw new CaseFailure({ requirement, expected: `${what} not stored: custody of (${k.stream},${k.epoch}) next_seq 0, no ranges`, actual: `custody next_seq ${s.nextSeq}, received ${s.received.length} ranges, accounted ${s.accounted.length}` });
    }
  }
}

/** Milliseconds to listen for something that must not come. */
export const QUIET_MS = 300;
