/**
 * Hostile and broken input on an open session: each refused with the error
 * the spec defines and its close code, nothing of it stored, and another
 * session served meanwhile [ERR-1]..[ERR-8] [WS-1] [WS-6] [WS-7] [CONF-10].
 */
import { expectThat, pass, type Case, type CaseContext } from "../../../runner/case.js";
import type { ServerTarget } from "../../../targets/server-target.js";
import { Bystander } from "../bystander.js";
import type { Connection } from "../connection.js";
import { expectNothingStored, expectRefusal, QUIET_MS } from "../expect.js";
import { eventsOf, freshEpoch, runOf } from "../messages.js";
import { expectAck, welcomed } from "../session.js";

type Ctx = CaseContext<ServerTarget>;
const WS = { bindings: ["websocket"] } as const;
const STREAM = 9;

/** Opens a bystander and a session, lets `attack` act on the session, then checks the refusal and the bystander. */
async function hostile(ctx: Ctx, code: number, requirement: string, attack: (conn: Connection, epoch: number, maxMessage: number) => void): Promise<void> {
  const bystander = await Bystander.open(ctx);
  const epoch = freshEpoch();
  const { conn, welcome } = await welcomed(ctx, { pending: [{ stream: STREAM, epoch }] });
  attack(conn, epoch, welcome.maxMessage || 1_048_576);
  await expectRefusal(conn, code, requirement);
  await conn.close();
  await expectNothingStored(ctx, [{ stream: STREAM, epoch }], "ERR-5", "the refused input");
  await bystander.expectStillServed();
}

export const SRV_ERR_01: Case<ServerTarget> = {
  id: "SRV-ERR-01",
  title: "A frame that does not decode: MALFORMED, close 4001, nothing stored, other sessions served",
  cites: ["ERR-1", "ERR-4", "WS-6", "ERR-5", "ERR-6", "CONF-10"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    await hostile(ctx, 1, "ERR-4", (conn, epoch) => {
      conn.sendRaw(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]), "5 bytes that are no protobuf Message");
      conn.send(runOf(STREAM, epoch, 0n, 1, "after-garbage"));
    });
    return pass();
  },
};

export const SRV_ERR_02: Case<ServerTarget> = {
  id: "SRV-ERR-02",
  title: "A message longer than the Welcome's max_message: MESSAGE_TOO_LARGE, close 4002, other sessions served",
  cites: ["ENV-8", "WS-2", "SEC-13", "ERR-4", "ERR-6"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    await hostile(ctx, 2, "ENV-8", (conn, epoch, maxMessage) => {
      ctx.trace.step(`app: sends an EventRun one payload longer than max_message ${maxMessage}`);
      conn.send(eventsOf(STREAM, epoch, 0n, [new Uint8Array(maxMessage + 1).fill(0x5a)]));
    });
    return pass();
  },
};

export const SRV_ERR_03: Case<ServerTarget> = {
  id: "SRV-ERR-03",
  title: "A Message of an unknown type: UNKNOWN_MESSAGE, the connection stays open and goes on",
  cites: ["VER-6", "WS-7", "ERR-7"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const epoch = freshEpoch();
    const { conn } = await welcomed(ctx, { pending: [{ stream: STREAM, epoch }] });
    // Field 15 of Message, length-delimited and empty: a body no 1.0 receiver knows, from a peer of minor 0.
    conn.sendRaw(new Uint8Array([0x7a, 0x00]), "a Message whose only field is number 15 (unknown body)");
    conn.send(runOf(STREAM, epoch, 0n, 2, "after-unknown"));
    await expectRefusal(conn, 3, "VER-6");
    await expectAck(conn, STREAM, epoch, 0n, 1n, "WS-7");
    await conn.close();
    return pass();
  },
};

export const SRV_ERR_04: Case<ServerTarget> = {
  id: "SRV-ERR-04",
  title: "Events with epoch 0 on the server leg: INVALID_FIELD, close 4005, nothing stored",
  cites: ["ENV-5", "ERR-4", "ERR-5"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    await hostile(ctx, 5, "ENV-5", (conn, epoch) => {
      conn.send(runOf(STREAM, 0, 0n, 1, "epoch-zero"));
      conn.send(runOf(STREAM, epoch, 0n, 1, "after-epoch-zero"));
    });
    return pass();
  },
};

export const SRV_ERR_05: Case<ServerTarget> = {
  id: "SRV-ERR-05",
  title: "A body not sent to a server (an Ack): UNEXPECTED_MESSAGE, close 4004",
  cites: ["ENV-10", "WS-6"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    await hostile(ctx, 4, "ENV-10", (conn) => {
      conn.send({ type: "ack", ack: { streams: [], scope: "hop", commandsPending: 0 } });
    });
    return pass();
  },
};

export const SRV_ERR_06: Case<ServerTarget> = {
  id: "SRV-ERR-06",
  title: "An Error from the client is not answered with an Error and moves no custody",
  cites: ["ERR-8"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const epoch = freshEpoch();
    const { conn } = await welcomed(ctx, { pending: [{ stream: STREAM, epoch }] });
    conn.send(runOf(STREAM, epoch, 0n, 2, "before-error"));
    await expectAck(conn, STREAM, epoch, 0n, 1n, "ERR-8");
    conn.send({ type: "error", error: { code: 70, detail: "ferry-conformance: an Error the server must not answer", stream: { stream: STREAM, epoch, seq: 0n } } });
    await new Promise((r) => setTimeout(r, QUIET_MS));
    expectThat(conn.isOpen && conn.errors().length === 0, { requirement: "ERR-8", expected: "no Error in answer, the connection open", actual: conn.isOpen ? `Error ${conn.errors().join(", ")}` : `closed with ${conn.closedWith?.code}` });
    conn.send(runOf(STREAM, epoch, 2n, 1, "before-error"));
    const ack = await expectAck(conn, STREAM, epoch, 0n, 2n, "ERR-8");
    expectThat(ack.nextSeq === 3n, { requirement: "ERR-8", expected: "custody unchanged by the Error: next_seq 3", actual: `next_seq ${ack.nextSeq}` });
    await conn.close();
    return pass();
  },
};

export const SRV_WS_05: Case<ServerTarget> = {
  id: "SRV-WS-05",
  title: "A text WebSocket message: MALFORMED, close 4001",
  cites: ["WS-1", "WS-6"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    await hostile(ctx, 1, "WS-1", (conn) => conn.sendText('{"events":{}}'));
    return pass();
  },
};

export const ERROR_CASES: Case<ServerTarget>[] = [SRV_ERR_01, SRV_ERR_02, SRV_ERR_03, SRV_ERR_04, SRV_ERR_05, SRV_ERR_06, SRV_WS_05];
