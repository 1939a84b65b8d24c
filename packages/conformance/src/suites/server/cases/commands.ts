/**
 * Commands: queued commands are pushed, replayed after the Welcome and the
 * first flight's Ack on a resume, not re-sent once acknowledged in the
 * session, replayed in a fresh session until settled; over HTTP batch only
 * counted [CMD-11] [CMD-12] [CMD-13] [HS-12]. The checker needs a way to
 * queue a command on the target (the reference server's own, or
 * --queue-command).
 */
import { Feature, type Command, type CommandOutcome, type Message, type Scope, type Welcome } from "@ferry/protocol";
import { randomBytes } from "node:crypto";
import { CaseUnsupported, expectThat, pass, type Case, type CaseContext } from "../../../runner/case.js";
import type { ServerTarget } from "../../../targets/server-target.js";
import type { Connection } from "../connection.js";
import { QUIET_MS } from "../expect.js";
import { postBatch } from "../http.js";
import { freshEpoch, runOf, utf8 } from "../messages.js";
import { expectAck, welcomed } from "../session.js";
import { batchHello } from "./http.js";

type Ctx = CaseContext<ServerTarget>;
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(b);
const isCommand = (m: Message): m is Extract<Message, { type: "command" }> => m.type === "command";

function commandAck(ids: bigint[], outcome: CommandOutcome, scope: Scope): Message {
  return { type: "commandAck", commandAck: { ids, outcome, scope } };
}

/** The queue control, and a Welcome with FEATURE_COMMANDS, or the case is unsupported (or, when the ICS declares commands, fails [CONF-2]). */
function requireCommands(ctx: Ctx, welcome: Welcome): (payload: Uint8Array) => Promise<void> {
  const declared = ctx.ics?.features.includes("commands") ?? false;
  expectThat((welcome.features & Feature.commands) !== 0 || !declared, { requirement: "CONF-2", expected: "FEATURE_COMMANDS in the Welcome, as the ICS declares commands", actual: `Welcome.features ${welcome.features}` });
  if ((welcome.features & Feature.commands) === 0) throw new CaseUnsupported("the server does not set FEATURE_COMMANDS in its Welcome");
  const queue = ctx.target.controls.queueCommand;
  if (!queue) throw new CaseUnsupported("no way to queue a command on this server: give --queue-command COMMAND");
  return (payload) => queue(ctx.target.setup.deviceId, payload, 0);
}

/** Settles commands an earlier run left queued, so they do not stand in this case's way. */
async function settleOthers(conn: Connection, mine: Uint8Array | undefined): Promise<void> {
  await new Promise((r) => setTimeout(r, QUIET_MS));
  const others = conn.messages.filter(isCommand).filter((m) => !mine || !same(m.command.payload, mine)).map((m) => m.command.id);
  if (others.length > 0) conn.send(commandAck(others, "executed", "end-to-end"));
}

async function expectCommand(conn: Connection, payload: Uint8Array, requirement: string, expected: string, from = 0): Promise<Command> {
  const m = await conn.next((x) => isCommand(x) && same(x.command.payload, payload), undefined, from);
  expectThat(m !== undefined, { requirement, expected, actual: `no such Command (got ${conn.messages.slice(from).map((x) => x.type).join(", ") || "nothing"})` });
  return (m as Extract<Message, { type: "command" }>).command;
}

async function expectNoCommand(conn: Connection, payload: Uint8Array, requirement: string, expected: string): Promise<void> {
  const m = await conn.next((x) => isCommand(x) && same(x.command.payload, payload), QUIET_MS);
  expectThat(m === undefined, { requirement, expected, actual: "the Command was sent again" });
}

export const SRV_CMD_01: Case<ServerTarget> = {
  id: "SRV-CMD-01",
  title: "Queued commands are replayed after the Welcome and the first flight's Ack, and stop once settled",
  cites: ["CMD-11", "HS-12", "CMD-13", "CONF-2"],
  level: "MUST",
  role: "server",
  needs: { features: ["commands"], bindings: ["websocket"] },
  async run(ctx) {
    const payload = utf8(`ferry-conformance ${randomBytes(6).toString("hex")}`);
    const s1 = await welcomed(ctx);
    const queue = requireCommands(ctx, s1.welcome);
    await settleOthers(s1.conn, undefined);
    ctx.trace.step("vendor application: queues a command");
    await queue(payload);
    await expectCommand(s1.conn, payload, "CMD-11", "the command pushed to the open session as it is queued");
    s1.conn.drop();

    const epoch = freshEpoch();
    ctx.trace.step("app: resumes with a first flight, without acknowledging the command");
    const s2 = await welcomed(ctx, { resumeToken: s1.welcome.resumeToken, pending: [{ stream: 1, epoch }], firstFlight: [runOf(1, epoch, 0n, 1, "cmd")] });
    await expectAck(s2.conn, 1, epoch, 0n, 0n, "HS-12");
    const command = await expectCommand(s2.conn, payload, "CMD-11", "the unacknowledged command replayed after the resume");
    const order = s2.conn.messages.map((m) => m.type).filter((t) => t === "welcome" || t === "ack" || t === "command");
    const firstCommand = order.indexOf("command");
    expectThat(order[0] === "welcome" && order.indexOf("ack") < firstCommand, { requirement: "HS-12", expected: "the Welcome, then the first flight's Ack, then the replayed commands", actual: order.join(", ") });
    s2.conn.send(commandAck([command.id], "received", "hop"));
    await new Promise((r) => setTimeout(r, QUIET_MS));
    s2.conn.drop();

    ctx.trace.step("app: resumes again; the command was acknowledged in this session");
    const s3 = await welcomed(ctx, { resumeToken: s2.welcome.resumeToken });
    if (s3.welcome.resumed) await expectNoCommand(s3.conn, payload, "CMD-11", "no replay of a command acknowledged in the resumed session");
    await s3.conn.close();

    ctx.trace.step("app: a fresh session; RECEIVED from the app does not settle the command");
    const s4 = await welcomed(ctx);
    const again = await expectCommand(s4.conn, payload, "CMD-11", "the command, not settled, replayed in a fresh session");
    s4.conn.send(commandAck([again.id], "executed", "end-to-end"));
    await new Promise((r) => setTimeout(r, QUIET_MS));
    await s4.conn.close();

    ctx.trace.step("app: a fresh session after the device's EXECUTED");
    const s5 = await welcomed(ctx);
    await expectNoCommand(s5.conn, payload, "CMD-13", "no Command once settled by an END_TO_END CommandAck");
    await s5.conn.close();
    return pass();
  },
};

export const SRV_HTTP_06: Case<ServerTarget> = {
  id: "SRV-HTTP-06",
  title: "A batch's Ack counts the device's unsettled commands; a CommandAck in a batch settles one",
  cites: ["HTTP-9", "CMD-12", "HTTP-4", "CMD-13"],
  level: "MUST",
  role: "server",
  needs: { features: ["commands", "http-batch"], bindings: ["http-batch", "websocket"] },
  async run(ctx) {
    const payload = utf8(`ferry-conformance ${randomBytes(6).toString("hex")}`);
    const ws = await welcomed(ctx);
    const queue = requireCommands(ctx, ws.welcome);
    await queue(payload);
    const command = await expectCommand(ws.conn, payload, "CMD-11", "the queued command on the WebSocket session");
    await ws.conn.close();
    const before = await postBatch(ctx, { hello: batchHello(ctx), messages: [] }, "protobuf", "asking for commands_pending");
    expectThat(before.status === 200 && (before.ack?.commandsPending ?? 0) >= 1, { requirement: "CMD-12", expected: "200 and commands_pending >= 1 with a command queued", actual: `${before.status}, commands_pending ${before.ack?.commandsPending}` });
    const after = await postBatch(ctx, { hello: batchHello(ctx), messages: [commandAck([command.id], "executed", "end-to-end")] }, "protobuf", "with the device's CommandAck");
    const n = before.ack!.commandsPending;
    expectThat(after.status === 200 && after.ack?.commandsPending === n - 1, { requirement: "CMD-13", expected: `commands_pending ${n - 1} once the batch's CommandAck settled the command`, actual: `${after.status}, commands_pending ${after.ack?.commandsPending}` });
    return pass();
  },
};

export const COMMAND_CASES: Case<ServerTarget>[] = [SRV_CMD_01, SRV_HTTP_06];
