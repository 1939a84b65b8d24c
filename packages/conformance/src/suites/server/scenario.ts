/**
 * One generated scenario of the server property case: an app's sends,
 * duplicates, reorderings, gaps, conflicts, drops and reconnections (fresh
 * or resumed), applied to the server under test and checked against what
 * the app knows (the model): every Ack covers only identities the app sent
 * [ACK-3], next_seq never goes back in a session [ACK-5], what was
 * acknowledged stays in custody across sessions [LIFE-11], a resume with the
 * last token resumes [HS-8], a conflicting payload is refused [ACK-8]; and
 * at the end, with connectivity, nothing is lost [CONF-3] and, where the
 * target shows its hand-off, nothing is handed over twice or out of order
 * [CONF-4] [CONF-5].
 */
import type { StreamAck } from "@ferry/protocol";
import { expectThat, type CaseContext } from "../../runner/case.js";
import type { ServerTarget } from "../../targets/server-target.js";
import { ANSWER_MS, type Connection } from "./connection.js";
import { QUIET_MS } from "./expect.js";
import { covers, eventsOf, payloadOf, streamAckOf, utf8 } from "./messages.js";
import { welcomed } from "./session.js";

export type Step =
  | { kind: "send"; stream: number; n: number }
  | { kind: "resend"; stream: number; at: number; n: number }
  | { kind: "reorder"; stream: number; n: number }
  | { kind: "gap"; stream: number; n: number }
  | { kind: "fill"; stream: number }
  | { kind: "conflict"; stream: number; at: number }
  | { kind: "drop" }
  | { kind: "close" }
  | { kind: "reconnect"; resume: boolean };

export const STREAMS = [1, 2] as const;
const priorityOf = (stream: number) => (stream === 2 ? "critical" : "bulk");

export class Scenario {
  #conn: Connection | undefined;
  #token: Uint8Array | undefined;
  /** Next sequence to allocate, per stream. */
  readonly #next = new Map<number, bigint>();
  /** Sent at least once. */
  readonly #sent = new Map<number, Set<bigint>>();
  /** Allocated and held back: the gaps. */
  readonly #withheld = new Map<number, bigint[]>();
  /** Covered by some Ack or Welcome: the server's durable custody. */
  readonly #acked = new Map<number, Set<bigint>>();
  /** next_seq last reported on this connection [ACK-5]. */
  #lastNext = new Map<number, bigint>();
  #checked = 0;

  constructor(
    readonly ctx: CaseContext<ServerTarget>,
    readonly epoch: number,
  ) {
    for (const s of STREAMS) {
      this.#next.set(s, 0n);
      this.#sent.set(s, new Set());
      this.#withheld.set(s, []);
      this.#acked.set(s, new Set());
    }
  }

  get #tag(): string {
    return `prop-${this.epoch}`;
  }

  async apply(step: Step): Promise<void> {
    const conn = this.#conn;
    if (step.kind === "reconnect") return conn ? undefined : this.#connect(step.resume);
    if (!conn) return; // nothing to do offline: the step is a no-op in this scenario
    switch (step.kind) {
      case "drop":
        this.ctx.trace.step("app: loses its connection (suspended)");
        conn.drop();
        this.#conn = undefined;
        return;
      case "close":
        this.ctx.trace.step("app: closes its connection");
        await conn.close();
        this.#conn = undefined;
        return;
      case "send":
        return this.#sendRun(step.stream, this.#allocate(step.stream, step.n), `sends ${step.n === 1 ? "a new event" : `${step.n} new events`}`);
      case "reorder": {
        const seqs = this.#allocate(step.stream, step.n);
        this.ctx.trace.step(`app: sends stream ${step.stream} seq ${seqs[0]}..${seqs[seqs.length - 1]} in reverse order`);
        const from = conn.messages.length;
        for (const s of [...seqs].reverse()) this.#send(conn, step.stream, s, [s]);
        return this.#awaitAck(conn, step.stream, seqs, from);
      }
      case "gap": {
        const seqs = this.#allocate(step.stream, step.n);
        this.#withheld.get(step.stream)!.push(seqs[0]!);
        return this.#sendRun(step.stream, seqs.slice(1), `holds back seq ${seqs[0]} and sends the rest`);
      }
      case "fill": {
        const held = this.#withheld.get(step.stream)!.splice(0);
        if (held.length === 0) return;
        this.ctx.trace.step(`app: sends the held-back seq ${held.join(",")} of stream ${step.stream}`);
        const from = conn.messages.length;
        for (const s of held) this.#send(conn, step.stream, s, [s]);
        return this.#awaitAck(conn, step.stream, held, from);
      }
      case "resend": {
        const seqs = this.#consecutiveSent(step.stream, step.at, step.n);
        if (seqs.length > 0) await this.#sendRun(step.stream, seqs, "re-sends events it already sent (a duplicate)");
        return;
      }
      case "conflict":
        return this.#conflict(conn, step.stream, step.at);
    }
  }

  #allocate(stream: number, n: number): bigint[] {
    const first = this.#next.get(stream)!;
    this.#next.set(stream, first + BigInt(n));
    return Array.from({ length: n }, (_, i) => first + BigInt(i));
  }

  #send(conn: Connection, stream: number, first: bigint, seqs: bigint[]): void {
    for (const s of seqs) this.#sent.get(stream)!.add(s);
    conn.send(eventsOf(stream, this.epoch, first, seqs.map((s) => payloadOf(this.#tag, s)), priorityOf(stream)));
  }

  async #sendRun(stream: number, seqs: bigint[], what: string): Promise<void> {
    const conn = this.#conn!;
    this.ctx.trace.step(`app: ${what}: stream ${stream} seq ${seqs[0]}..${seqs[seqs.length - 1]}`);
    const from = conn.messages.length;
    this.#send(conn, stream, seqs[0]!, seqs);
    await this.#awaitAck(conn, stream, seqs, from);
  }

  /** Up to n consecutive sequences already sent, from the at-th one. */
  #consecutiveSent(stream: number, at: number, n: number): bigint[] {
    const sorted = [...this.#sent.get(stream)!].sort((a, b) => (a < b ? -1 : 1));
    if (sorted.length === 0) return [];
    const out = [sorted[at % sorted.length]!];
    while (out.length < n && this.#sent.get(stream)!.has(out[out.length - 1]! + 1n)) out.push(out[out.length - 1]! + 1n);
    return out;
  }

  /** Waits for an Ack covering `seqs`, checking every Ack as it arrives: a bad one fails at once. */
  async #awaitAck(conn: Connection, stream: number, seqs: bigint[], from: number): Promise<void> {
    const deadline = performance.now() + ANSWER_MS;
    const covered = () =>
      conn.messages.slice(from).some((m) => {
        const sa = m.type === "ack" ? streamAckOf(m.ack.streams, stream, this.epoch) : undefined;
        return sa !== undefined && seqs.every((q) => covers(sa, q));
      });
    for (;;) {
      const m = await conn.next((x) => x.type === "ack" || x.type === "error", Math.max(1, deadline - performance.now()), this.#checked);
      this.#checkAcks(conn);
      if (covered()) return;
      if (m === undefined) break;
    }
    const lo = seqs.reduce((a, b) => (a < b ? a : b));
    const hi = seqs.reduce((a, b) => (a > b ? a : b));
    expectThat(false, { requirement: "CONF-3", expected: `an Ack covering stream ${stream} seq ${lo}..${hi}`, actual: conn.closedWith ? `the server closed the connection with ${conn.closedWith.code}` : `none within ${ANSWER_MS} ms (errors ${conn.errors().join(",") || "none"})` });
  }

  async #conflict(conn: Connection, stream: number, at: number): Promise<void> {
    const [seq] = this.#consecutiveSent(stream, at, 1);
    if (seq === undefined) return;
    this.ctx.trace.step(`app: re-sends stream ${stream} seq ${seq} with another payload`);
    const from = conn.messages.length;
    conn.send(eventsOf(stream, this.epoch, seq, [utf8(`conflicting ${seq}`)], priorityOf(stream)));
    // The Ack still covers the identity [ACK-8]; the Error may come before or after it.
    await this.#awaitAck(conn, stream, [seq], from);
    const error = await conn.next((m) => m.type === "error", QUIET_MS, from);
    const e = error?.type === "error" ? error.error : undefined;
    expectThat(e?.code === 31 && e.stream?.seq === seq && e.stream.stream === stream, { requirement: "ACK-8", expected: `Error SEQUENCE_CONFLICT naming stream ${stream} seq ${seq}`, actual: e ? `Error ${e.code}${e.stream ? ` naming seq ${e.stream.seq}` : ""}` : "no Error" });
  }

  /** Every Ack since the last check: covers only what was sent, next_seq monotonic; no Error but conflicts. */
  #checkAcks(conn: Connection): void {
    const fresh = conn.messages.slice(this.#checked);
    this.#checked = conn.messages.length;
    for (const m of fresh) {
      if (m.type === "error") expectThat(m.error.code === 31, { requirement: "CONF-3", expected: "no Error for well-formed events", actual: `Error ${m.error.code}: ${m.error.detail}` });
      if (m.type !== "ack") continue;
      for (const s of STREAMS) {
        const sa = streamAckOf(m.ack.streams, s, this.epoch);
        if (sa) this.#record(sa, "an Ack");
      }
    }
  }

  #record(sa: StreamAck, where: string): void {
    const last = this.#lastNext.get(sa.stream);
    expectThat(last === undefined || sa.nextSeq >= last, { requirement: "ACK-5", expected: `next_seq of stream ${sa.stream} never below ${last} in the session`, actual: `${where} with next_seq ${sa.nextSeq}` });
    this.#lastNext.set(sa.stream, sa.nextSeq);
    const sent = this.#sent.get(sa.stream)!;
    const bound = this.#next.get(sa.stream)! + 8n;
    for (let q = 0n; q < bound; q++) {
      if (!covers(sa, q)) continue;
      expectThat(sent.has(q), { requirement: "ACK-3", expected: `custody covering only sequences the app sent (stream ${sa.stream})`, actual: `${where} covers seq ${q}, never sent` });
      this.#acked.get(sa.stream)!.add(q);
    }
  }

  /** The app's first connection: a fresh session. */
  start(): Promise<void> {
    return this.#connect(false);
  }

  async #connect(resume: boolean): Promise<void> {
    const token = resume ? this.#token : undefined;
    this.ctx.trace.step(token ? "app: woken, reconnects with its resume token" : this.#token ? "app: reconnects in a fresh session" : "app: connects");
    const pending = STREAMS.map((stream) => ({ stream, epoch: this.epoch }));
    const { conn, welcome } = await welcomed(this.ctx, { pending, ...(token && { resumeToken: token }) });
    this.#conn = conn;
    this.#checked = 0;
    this.#lastNext = new Map();
    expectThat(!token || welcome.resumed, { requirement: "HS-8", expected: "resumed true for the token of the last Welcome", actual: `resumed false, resume_refused ${welcome.resumeRefused}` });
    this.#token = welcome.resumeToken;
    for (const s of STREAMS) {
      const sa = streamAckOf(welcome.custody, s, this.epoch)!;
      this.#record(sa, "Welcome.custody");
      const lost = [...this.#acked.get(s)!].filter((q) => !covers(sa, q));
      expectThat(lost.length === 0, { requirement: "LIFE-11", expected: `Welcome.custody still covering what was acknowledged (stream ${s})`, actual: `seq ${lost.join(",")} no longer covered` });
    }
    this.#checked = conn.messages.length;
  }

  /** Eventual connectivity: connect, send what is held back, then check nothing is lost and the hand-off [CONF-3]. */
  async settle(): Promise<void> {
    this.ctx.trace.step("app: connectivity returns; sends everything the server lacks");
    if (!this.#conn) await this.#connect(true);
    for (const s of STREAMS) await this.apply({ kind: "fill", stream: s });
    await this.#conn!.close();
    this.#conn = undefined;
    await this.#connect(false);
    await this.#conn!.close();
    this.#conn = undefined;
    for (const s of STREAMS) {
      const next = this.#next.get(s)!;
      const missing: bigint[] = [];
      for (let q = 0n; q < next; q++) if (!this.#acked.get(s)!.has(q)) missing.push(q);
      expectThat(missing.length === 0, { requirement: "CONF-3", expected: `every event of stream ${s} (0..${next - 1n}) in the server's custody`, actual: `seq ${missing.join(",")} not covered` });
    }
    await this.#checkHandOff();
  }

  async #checkHandOff(): Promise<void> {
    const handed = await this.ctx.target.controls.deliveries?.(this.ctx.target.setup.deviceId, this.epoch);
    if (!handed) return;
    for (const s of STREAMS) {
      const events = handed.flatMap((h) => (h.kind === "event" && h.stream === s ? [h] : []));
      const seqs = events.map((h) => h.seq);
      const dup = seqs.find((q, i) => seqs.indexOf(q) !== i);
      expectThat(dup === undefined, { requirement: "CONF-4", expected: `each event of stream ${s} handed to the vendor application once`, actual: `seq ${dup} handed twice (${seqs.join(",")})` });
      expectThat(seqs.every((q, i) => i === 0 || q > seqs[i - 1]!), { requirement: "CONF-5", expected: `stream ${s} handed over in sequence order`, actual: seqs.join(",") });
      for (const h of events) {
        expectThat(Buffer.from(h.payload).equals(payloadOf(this.#tag, h.seq)), { requirement: "ACK-8", expected: `seq ${h.seq} handed over with its first payload`, actual: Buffer.from(h.payload).toString() });
      }
    }
  }

  async dispose(): Promise<void> {
    const conn = this.#conn;
    this.#conn = undefined;
    if (conn) await conn.close().catch(() => {});
  }
}
