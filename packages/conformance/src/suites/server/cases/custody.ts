/**
 * Custody over the wire: duplicates acknowledged and not stored twice, a
 * conflicting payload refused, epochs as separate sequence spaces,
 * accountings stored and acknowledged, selective acknowledgement, and the
 * window honoured [ACK-4]..[ACK-11] [ID-6] [FLOW-7].
 */
import type { AccountedRange } from "@ferry/protocol";
import { expectThat, pass, type Case, type CaseContext } from "../../../runner/case.js";
import type { ServerTarget } from "../../../targets/server-target.js";
import { QUIET_MS } from "../expect.js";
import { accountingOf, coversAll, eventsOf, freshEpoch, payloadOf, runOf, streamAckOf, utf8 } from "../messages.js";
import { ackCovering, custodyOf, expectAck, welcomed } from "../session.js";

type Ctx = CaseContext<ServerTarget>;
const WS = { bindings: ["websocket"] } as const;

/** With a hand-off control: each sequence of (stream, epoch) handed over once, in order, with its first payload. */
async function expectHandedOnce(ctx: Ctx, epoch: number, stream: number, count: number, tag: string, requirement: string): Promise<void> {
  const handed = await ctx.target.controls.deliveries?.(ctx.target.setup.deviceId, epoch);
  if (!handed) return;
  const events = handed.filter((h) => h.kind === "event" && h.stream === stream);
  const seqs = events.map((h) => (h.kind === "event" ? h.seq : -1n));
  const want = Array.from({ length: count }, (_, i) => BigInt(i));
  expectThat(seqs.join(",") === want.join(","), { requirement, expected: `events 0..${count - 1} handed to the vendor application once each, in order`, actual: `handed ${seqs.join(",") || "nothing"}` });
  for (const h of events) {
    if (h.kind !== "event") continue;
    const same = Buffer.from(h.payload).equals(payloadOf(tag, h.seq));
    expectThat(same, { requirement, expected: `event ${h.seq} handed with the payload first stored`, actual: `payload ${JSON.stringify(Buffer.from(h.payload).toString())}` });
  }
}

export const SRV_ACK_01: Case<ServerTarget> = {
  id: "SRV-ACK-01",
  title: "Re-sent events are acknowledged again and stored once, on the same and on a new connection",
  cites: ["ACK-7", "ID-1", "LIFE-11", "CONF-4"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const epoch = freshEpoch();
    const a = await welcomed(ctx, { pending: [{ stream: 1, epoch }] });
    a.conn.send(runOf(1, epoch, 0n, 5, "dedup"));
    await expectAck(a.conn, 1, epoch, 0n, 4n, "ACK-7");
    const from = a.conn.messages.length;
    a.conn.send(runOf(1, epoch, 0n, 5, "dedup"));
    a.conn.send(runOf(1, epoch, 2n, 5, "dedup"));
    await expectAck(a.conn, 1, epoch, 0n, 6n, "ACK-7", from);
    expectThat(a.conn.errors().length === 0, { requirement: "ACK-7", expected: "duplicates acknowledged without an Error", actual: `Error ${a.conn.errors().join(", ")}` });
    a.conn.drop();
    const b = await welcomed(ctx, { pending: [{ stream: 1, epoch }], firstFlight: [runOf(1, epoch, 0n, 7, "dedup")] });
    const custody = streamAckOf(b.welcome.custody, 1, epoch);
    expectThat(custody?.nextSeq === 7n, { requirement: "LIFE-11", expected: "Welcome.custody next_seq 7 after events 0..6", actual: `next_seq ${custody?.nextSeq}` });
    await expectAck(b.conn, 1, epoch, 0n, 6n, "ACK-7");
    await b.conn.close();
    await expectHandedOnce(ctx, epoch, 1, 7, "dedup", "CONF-4");
    return pass();
  },
};

export const SRV_ACK_02: Case<ServerTarget> = {
  id: "SRV-ACK-02",
  title: "An identity re-sent with another payload: SEQUENCE_CONFLICT naming it, stored event kept, connection open",
  cites: ["ACK-8", "ERR-1", "ERR-4", "WS-7"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const epoch = freshEpoch();
    const { conn } = await welcomed(ctx, { pending: [{ stream: 4, epoch }] });
    conn.send(runOf(4, epoch, 0n, 3, "original"));
    await expectAck(conn, 4, epoch, 0n, 2n, "ACK-8");
    ctx.trace.step("app: re-sends event 1 with another payload, then sends event 3");
    const from = conn.messages.length;
    conn.send(eventsOf(4, epoch, 1n, [utf8("forged payload")]));
    conn.send(runOf(4, epoch, 3n, 1, "original"));
    const ack = await ackCovering(conn, 4, epoch, 0n, 3n, undefined, from);
    const error = await conn.next((m) => m.type === "error", QUIET_MS, from);
    const e = error?.type === "error" ? error.error : undefined;
    expectThat(e?.code === 31, { requirement: "ACK-8", expected: "Error SEQUENCE_CONFLICT (31)", actual: e ? `Error ${e.code}` : conn.closedWith ? `close ${conn.closedWith.code}` : "no Error" });
    expectThat(e.stream?.stream === 4 && e.stream.epoch === epoch && e.stream.seq === 1n, { requirement: "ERR-1", expected: `Error.stream = stream 4, epoch ${epoch}, seq 1`, actual: e.stream ? `stream ${e.stream.stream}, epoch ${e.stream.epoch}, seq ${e.stream.seq}` : "no stream" });
    expectThat(conn.isOpen && ack !== undefined, { requirement: "WS-7", expected: "the connection kept open, the held identity and the next event acknowledged (refuse-events)", actual: conn.isOpen ? "no Ack covering 0..3" : `closed with ${conn.closedWith?.code}` });
    await conn.close();
    await expectHandedOnce(ctx, epoch, 4, 4, "original", "ACK-8");
    return pass();
  },
};

export const SRV_ACK_03: Case<ServerTarget> = {
  id: "SRV-ACK-03",
  title: "A new epoch is a new sequence space: sequence 0 again is a new event, and the old epoch goes on",
  cites: ["ID-6", "ID-1"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const [e1, e2] = [freshEpoch(), freshEpoch()];
    const { conn } = await welcomed(ctx, { pending: [{ stream: 2, epoch: e1 }] });
    conn.send(runOf(2, e1, 0n, 3, "epoch-one"));
    await expectAck(conn, 2, e1, 0n, 2n, "ID-6");
    ctx.trace.step("device: factory reset, new epoch; sequences restart at 0");
    conn.send(runOf(2, e2, 0n, 2, "epoch-two"));
    await expectAck(conn, 2, e2, 0n, 1n, "ID-6");
    conn.send(runOf(2, e1, 3n, 1, "epoch-one"));
    await expectAck(conn, 2, e1, 0n, 3n, "ID-6");
    expectThat(conn.errors().length === 0, { requirement: "ID-6", expected: "no Error: the same sequence numbers in another epoch are other events", actual: `Error ${conn.errors().join(", ")}` });
    await conn.close();
    const custody = await custodyOf(ctx, [{ stream: 2, epoch: e1 }, { stream: 2, epoch: e2 }]);
    const [c1, c2] = custody;
    expectThat(c1?.nextSeq === 4n && c2?.nextSeq === 2n, { requirement: "ID-6", expected: `custody next_seq 4 in epoch ${e1} and 2 in epoch ${e2}`, actual: `${c1?.nextSeq} and ${c2?.nextSeq}` });
    return pass();
  },
};

export const SRV_ACK_04: Case<ServerTarget> = {
  id: "SRV-ACK-04",
  title: "Accountings (expired, overflow) are stored and acknowledged with their reasons; held events stay held",
  cites: ["ACK-11", "ACK-9", "ACK-19"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const epoch = freshEpoch();
    const { conn } = await welcomed(ctx, { pending: [{ stream: 3, epoch }] });
    const below: AccountedRange[] = [{ first: 0n, last: 4n, reason: "expired" }, { first: 5n, last: 6n, reason: "overflow" }];
    conn.send(accountingOf(3, epoch, below));
    await expectAck(conn, 3, epoch, 0n, 6n, "ACK-11");
    conn.send(runOf(3, epoch, 7n, 2, "acct"));
    await expectAck(conn, 3, epoch, 0n, 8n, "ACK-11");
    ctx.trace.step("app: accounts 12..13 expired above a gap, and 7..8, already held, expired");
    conn.send(accountingOf(3, epoch, [{ first: 12n, last: 13n, reason: "expired" }]));
    const above = await ackCovering(conn, 3, epoch, 12n, 13n);
    expectThat(above !== undefined, { requirement: "ACK-11", expected: "an Ack covering the accounted 12..13", actual: "none" });
    expectThat(above.nextSeq === 9n && above.accounted.some((r) => r.first <= 12n && r.last >= 13n && r.reason === "expired"), {
      requirement: "ACK-9",
      expected: "next_seq 9 and an accounted range 12..13 with reason expired above it",
      actual: `next_seq ${above.nextSeq}, accounted ${above.accounted.map((r) => `${r.first}..${r.last} ${r.reason}`).join(", ") || "none"}`,
    });
    const from = conn.messages.length;
    conn.send(accountingOf(3, epoch, [{ first: 7n, last: 8n, reason: "expired" }]));
    await expectAck(conn, 3, epoch, 0n, 8n, "ACK-11", from);
    await conn.close();
    const [custody] = await custodyOf(ctx, [{ stream: 3, epoch }]);
    expectThat(custody !== undefined && custody.nextSeq === 9n && coversAll(custody, 12n, 13n), { requirement: "ACK-11", expected: "custody next_seq 9 and 12..13 accounted, on a new session", actual: `next_seq ${custody?.nextSeq}` });
    const handed = await ctx.target.controls.deliveries?.(ctx.target.setup.deviceId, epoch);
    if (handed) {
      const line = handed.map((h) => (h.kind === "event" ? `event ${h.seq}` : `accounted ${h.first}..${h.last} ${h.reason}`)).join(", ");
      const want = "accounted 0..4 expired, accounted 5..6 overflow, event 7, event 8";
      expectThat(line === want, { requirement: "ACK-19", expected: `hand-off ${want} (7..8 held, so not accounted)`, actual: line });
    }
    return pass();
  },
};

export const SRV_ACK_05: Case<ServerTarget> = {
  id: "SRV-ACK-05",
  title: "Events above a gap are acknowledged selectively; next_seq moves up when the gap fills",
  cites: ["ACK-4", "ACK-6", "ACK-5"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const epoch = freshEpoch();
    const { conn } = await welcomed(ctx, { pending: [{ stream: 5, epoch }] });
    conn.send(runOf(5, epoch, 5n, 2, "gap"));
    const selective = await expectAck(conn, 5, epoch, 5n, 6n, "ACK-6");
    expectThat(selective.nextSeq === 0n && selective.received.length === 1 && selective.received[0]!.first === 5n && selective.received[0]!.last === 6n, {
      requirement: "ACK-4",
      expected: "next_seq 0 and received [5..6] while 0..4 are missing",
      actual: `next_seq ${selective.nextSeq}, received ${selective.received.map((r) => `${r.first}..${r.last}`).join(",")}`,
    });
    conn.send(runOf(5, epoch, 0n, 5, "gap"));
    const full = await expectAck(conn, 5, epoch, 0n, 6n, "ACK-4");
    expectThat(full.nextSeq === 7n && full.received.length === 0, { requirement: "ACK-4", expected: "next_seq 7 and no received ranges once 0..6 are held", actual: `next_seq ${full.nextSeq}, ${full.received.length} ranges` });
    await new Promise((r) => setTimeout(r, QUIET_MS));
    const nexts = conn.messages.flatMap((m) => (m.type === "ack" ? (streamAckOf(m.ack.streams, 5, epoch)?.nextSeq ?? []) : []));
    expectThat(nexts.every((n, i) => i === 0 || n >= nexts[i - 1]!), { requirement: "ACK-5", expected: "next_seq never decreasing within the session", actual: nexts.join(" -> ") });
    await conn.close();
    return pass();
  },
};

export const SRV_FLOW_01: Case<ServerTarget> = {
  id: "SRV-FLOW-01",
  title: "Events within the window the Welcome granted are all taken and acknowledged",
  cites: ["FLOW-7", "FLOW-2"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const epoch = freshEpoch();
    const { conn, welcome } = await welcomed(ctx, { pending: [{ stream: 6, epoch }] });
    const grant = welcome.window ?? { events: 1024, bytes: 1_048_576 };
    const payload = 16;
    const count = Math.max(1, Math.min(grant.events, Math.floor(grant.bytes / payload), 2048));
    ctx.trace.step(`app: sends ${count} events of ${payload} bytes, the window being ${grant.events} events, ${grant.bytes} bytes`);
    for (let first = 0; first < count; first += 128) {
      const n = Math.min(128, count - first);
      conn.send(eventsOf(6, epoch, BigInt(first), Array.from({ length: n }, () => new Uint8Array(payload).fill(7))));
    }
    await expectAck(conn, 6, epoch, 0n, BigInt(count - 1), "FLOW-7");
    expectThat(!conn.errors().includes(40), { requirement: "FLOW-7", expected: "no WINDOW_EXCEEDED within the granted window", actual: "WINDOW_EXCEEDED" });
    await conn.close();
    return pass();
  },
};

export const CUSTODY_CASES: Case<ServerTarget>[] = [SRV_ACK_01, SRV_ACK_02, SRV_ACK_03, SRV_ACK_04, SRV_ACK_05, SRV_FLOW_01];
