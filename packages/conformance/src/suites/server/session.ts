/**
 * Opening sessions with the server under test. The Hello comes from
 * @ferry/protocol's ClientHandshake (so a well-behaved Hello is what the
 * spec says it is) and the Welcome goes back through it, which checks it
 * against the offer: major, features, session id, resumed/refused, custody
 * per pending stream [HS-4] [HS-7] [HS-8] [HS-9] [VER-2] [VER-7].
 */
import { ClientHandshake, DEFAULT_WINDOW, type ErrorMessage, type Message, type StreamAck, type StreamKey, type Welcome } from "@ferry/protocol";
import { CaseFailure, type CaseContext } from "../../runner/case.js";
import type { ServerTarget } from "../../targets/server-target.js";
import { ANSWER_MS, Connection, type Closed } from "./connection.js";
import { CLIENT_FEATURES, covers, streamAckOf, utf8 } from "./messages.js";

export interface SessionOptions {
  deviceId?: Uint8Array;
  credential?: string;
  resumeToken?: Uint8Array;
  pending?: StreamKey[];
  /** Sent right after the Hello, without waiting for the Welcome [HS-10]. */
  firstFlight?: Message[];
}

export type Opened =
  | { kind: "welcome"; conn: Connection; welcome: Welcome; /** Why ClientHandshake refuses this Welcome, if it does. */ fault?: string }
  | { kind: "refused"; conn: Connection; error?: ErrorMessage; closed?: Closed };

type Ctx = CaseContext<ServerTarget>;

export async function openSession(ctx: Ctx, o: SessionOptions = {}): Promise<Opened> {
  const { setup } = ctx.target;
  const conn = await Connection.open(ctx.target.url, ctx.trace, { signal: ctx.signal });
  const handshake = new ClientHandshake();
  const hello = handshake.start(
    {
      deviceId: o.deviceId ?? setup.deviceId,
      credential: utf8(o.credential ?? setup.credential),
      ...(o.resumeToken && { resumeToken: o.resumeToken }),
      pending: o.pending ?? [],
      window: { ...DEFAULT_WINDOW.appGrantsServer },
      maxMessage: 0,
      wakeBudgetMs: 0,
      majors: [1],
      minor: 0,
      features: CLIENT_FEATURES,
    },
    Date.now(),
  );
  conn.send(hello);
  for (const m of o.firstFlight ?? []) conn.send(m);
  const first = await conn.next((m) => m.type === "welcome" || m.type === "error");
  if (first?.type === "welcome") {
    const step = handshake.handleMessage(first);
    const fault = step.kind === "failed" ? step.error.message : undefined;
    return { kind: "welcome", conn, welcome: first.welcome, ...(fault && { fault }) };
  }
  const closed = first ? await conn.closeWithin() : conn.closedWith;
  return { kind: "refused", conn, ...(first?.type === "error" && { error: first.error }), ...(closed && { closed }) };
}

/** The first requirement id a ClientHandshake fault names, e.g. "[HS-4]". */
const citedIn = (text: string, fallback: string) => /\[([A-Z]+-\d+)\]/.exec(text)?.[1] ?? fallback;

/** A session the case needs in order to go on: anything but a valid Welcome fails the case. */
export async function welcomed(ctx: Ctx, o: SessionOptions = {}): Promise<{ conn: Connection; welcome: Welcome }> {
  const opened = await openSession(ctx, o);
  if (opened.kind === "refused") {
    const why = opened.error ? `Error ${opened.error.code} (${opened.error.detail})` : opened.closed ? `close ${opened.closed.code}` : `nothing within ${ANSWER_MS} ms`;
    throw new CaseFailure({ requirement: "HS-6", expected: "a Welcome to a valid Hello with the setup's credential and device", actual: why });
  }
  if (opened.fault) throw new CaseFailure({ requirement: citedIn(opened.fault, "HS-6"), expected: "a Welcome that answers the Hello as section 7.1.1 says", actual: opened.fault });
  return { conn: opened.conn, welcome: opened.welcome };
}

/** Waits for an Ack whose StreamAck of (stream, epoch) covers first..last. */
export async function ackCovering(conn: Connection, stream: number, epoch: number, first: bigint, last: bigint, ms = ANSWER_MS, from = 0): Promise<StreamAck | undefined> {
  const m = await conn.next((x) => {
    if (x.type !== "ack") return false;
    const s = streamAckOf(x.ack.streams, stream, epoch);
    if (!s) return false;
    for (let q = first; q <= last; q++) if (!covers(s, q)) return false;
    return true;
  }, ms, from);
  return m?.type === "ack" ? streamAckOf(m.ack.streams, stream, epoch) : undefined;
}

/** Fails the case unless an Ack covering first..last arrives [ACK-15]; `from`: among the messages from that index on. */
export async function expectAck(conn: Connection, stream: number, epoch: number, first: bigint, last: bigint, requirement: string, from = 0): Promise<StreamAck> {
  const ack = await ackCovering(conn, stream, epoch, first, last, ANSWER_MS, from);
  if (ack) return ack;
  const got = conn.closedWith ? `the connection closed with ${conn.closedWith.code}` : `no Ack covering them within ${ANSWER_MS} ms`;
  throw new CaseFailure({ requirement, expected: `an Ack of stream ${stream} epoch ${epoch} covering ${first}..${last}`, actual: got + (conn.errors().length ? ` (errors ${conn.errors().join(", ")})` : "") });
}

/**
 * The server's durable custody of some streams, read as a new client would:
 * a fresh session whose Hello lists them as pending [HS-4].
 */
export async function custodyOf(ctx: Ctx, keys: StreamKey[], deviceId?: Uint8Array): Promise<StreamAck[]> {
  const { conn, welcome } = await welcomed(ctx, { pending: keys, ...(deviceId && { deviceId }) });
  await conn.close();
  return welcome.custody;
}
