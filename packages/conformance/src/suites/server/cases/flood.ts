/**
 * Flood limits: a peer within the floor of [WS-9] (1,000 messages, Pings
 * included, in 10 s) is never rate-limited; a flood well past any sane limit
 * gets RATE_LIMITED and close 4041 while other sessions go on [CONF-10].
 */
import { encodeMessage, type Message } from "@ferry/protocol";
import { expectThat, pass, type Case } from "../../../runner/case.js";
import type { ServerTarget } from "../../../targets/server-target.js";
import { Bystander } from "../bystander.js";
import type { Connection } from "../connection.js";
import { expectRefusal } from "../expect.js";
import { freshEpoch, runOf } from "../messages.js";
import { expectAck, welcomed } from "../session.js";

const WS = { bindings: ["websocket"] } as const;
/** Harmless messages: an Error is never answered and moves nothing [ERR-8]. */
const NOISE: Message = { type: "error", error: { code: 70, detail: "noise" } };
/** Messages a flood sends at most before the case gives up waiting for RATE_LIMITED. */
const FLOOD_MAX = 100_000;

async function drained(conn: Connection): Promise<void> {
  while (conn.isOpen && conn.ws.bufferedAmount > 0) await new Promise((r) => setTimeout(r, 1));
}

export const SRV_WS_02: Case<ServerTarget> = {
  id: "SRV-WS-02",
  title: "1,000 messages (Pings included) within 10 s are not rate-limited",
  cites: ["WS-9"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const epoch = freshEpoch();
    const { conn } = await welcomed(ctx, { pending: [{ stream: 1, epoch }] });
    const noise = encodeMessage(NOISE);
    // 999 messages in 50 bursts over about a second: well within the floor, as an app with a backlog and keepalives sends them.
    ctx.trace.step("app: 900 Error messages and 99 Pings in 50 bursts over about 1 s, then 1 EventRun");
    ctx.trace.message("app", "server", NOISE);
    for (let burst = 0; burst < 50 && conn.isOpen; burst++) {
      for (let i = 0; i < 18; i++) conn.ws.send(noise);
      for (let i = 0; i < (burst < 49 ? 2 : 1); i++) conn.ws.ping();
      await new Promise((r) => setTimeout(r, 20));
    }
    conn.send(runOf(1, epoch, 0n, 1, "within-floor"));
    await drained(conn);
    await expectAck(conn, 1, epoch, 0n, 0n, "WS-9");
    expectThat(conn.isOpen && !conn.errors().includes(41), { requirement: "WS-9", expected: "no RATE_LIMITED within the floor", actual: conn.errors().includes(41) ? "RATE_LIMITED" : `closed with ${conn.closedWith?.code}` });
    await conn.close();
    return pass();
  },
};

export const SRV_WS_03: Case<ServerTarget> = {
  id: "SRV-WS-03",
  title: "A flood of messages: RATE_LIMITED, close 4041, other sessions served",
  cites: ["CONF-10", "ERR-4", "WS-6", "ERR-6"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const bystander = await Bystander.open(ctx);
    const { conn } = await welcomed(ctx);
    const noise = encodeMessage(NOISE);
    ctx.trace.message("app", "server", NOISE);
    let sent = 0;
    const start = performance.now();
    while (conn.isOpen && sent < FLOOD_MAX && !ctx.signal.aborted) {
      for (let i = 0; i < 1000; i++) conn.ws.send(noise);
      sent += 1000;
      await drained(conn);
    }
    const ms = Math.round(performance.now() - start);
    ctx.trace.step(`app: ${sent} Error messages in ${ms} ms`);
    ctx.trace.record("app", "server", "flood", `${sent} messages in ${ms} ms`);
    expectThat(!conn.isOpen || (await conn.closeWithin(1000)) !== undefined, { requirement: "CONF-10", expected: "RATE_LIMITED and close 4041 for a flood", actual: `${sent} messages in ${ms} ms, and the connection still open` });
    await expectRefusal(conn, 41, "CONF-10");
    await bystander.expectStillServed();
    return pass();
  },
};

export const FLOOD_CASES: Case<ServerTarget>[] = [SRV_WS_02, SRV_WS_03];
