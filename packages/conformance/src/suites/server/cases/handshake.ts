/** The server leg's handshake: Hello, Welcome, custody, first flight, versions [HS-1]..[HS-13] [VER-2]. */
import { expectThat, pass, type Case } from "../../../runner/case.js";
import type { ServerTarget } from "../../../targets/server-target.js";
import { Connection } from "../connection.js";
import { expectNothingStored, expectRefusal } from "../expect.js";
import { freshEpoch, helloOf, runOf } from "../messages.js";
import { expectAck, welcomed } from "../session.js";

type ServerCase = Case<ServerTarget>;
const WS = { bindings: ["websocket"] } as const;

export const SRV_HS_01: ServerCase = {
  id: "SRV-HS-01",
  title: "A Hello is answered first by exactly one Welcome that opens a fresh session",
  cites: ["HS-6", "HS-7", "HS-8", "HS-9", "VER-2", "VER-10"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const epoch = freshEpoch();
    const a = await welcomed(ctx, { pending: [{ stream: 1, epoch }] });
    const w = a.welcome;
    expectThat(a.conn.messages[0]?.type === "welcome", { requirement: "HS-6", expected: "the Welcome before any other message", actual: `first came ${a.conn.messages[0]?.type}` });
    expectThat(a.conn.ws.protocol === "ferry.v1", { requirement: "VER-10", expected: 'subprotocol "ferry.v1" selected, naming the Welcome\'s major', actual: `"${a.conn.ws.protocol}"` });
    expectThat(w.major === 1, { requirement: "VER-2", expected: "Welcome.major 1, the only major offered", actual: `${w.major}` });
    expectThat(w.sessionId.length >= 8, { requirement: "HS-7", expected: "a session id of at least 8 bytes", actual: `${w.sessionId.length} bytes` });
    expectThat(!w.resumed, { requirement: "HS-8", expected: "resumed false without a resume token", actual: "resumed true" });
    expectThat(w.resumeRefused === 0, { requirement: "HS-9", expected: "resume_refused 0 when no token was offered", actual: `${w.resumeRefused}` });
    expectThat(w.resumeToken.length > 0, { requirement: "HS-6", expected: "a resume token for the next Hello (section 7.1.1)", actual: "an empty resume_token" });
    a.conn.send(runOf(1, epoch, 0n, 1, "hs01"));
    await expectAck(a.conn, 1, epoch, 0n, 0n, "HS-6");
    const welcomes = a.conn.messages.filter((m) => m.type === "welcome").length;
    expectThat(welcomes === 1, { requirement: "HS-6", expected: "exactly one Welcome", actual: `${welcomes} Welcomes` });
    await a.conn.close();
    const b = await welcomed(ctx);
    await b.conn.close();
    const same = Buffer.from(b.welcome.sessionId).equals(w.sessionId);
    expectThat(!same, { requirement: "HS-7", expected: "a new session id for each fresh session", actual: "the same session id twice" });
    return pass();
  },
};

export const SRV_HS_02: ServerCase = {
  id: "SRV-HS-02",
  title: "Welcome.custody holds one StreamAck per pending stream, in order, next_seq 0 for an unseen one",
  cites: ["HS-4", "ACK-4"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const [e1, e2] = [freshEpoch(), freshEpoch()];
    const a = await welcomed(ctx, { pending: [{ stream: 1, epoch: e1 }] });
    a.conn.send(runOf(1, e1, 0n, 5, "hs02"));
    await expectAck(a.conn, 1, e1, 0n, 4n, "ACK-4");
    await a.conn.close();
    const pending = [{ stream: 3, epoch: e1 }, { stream: 1, epoch: e1 }, { stream: 2, epoch: e2 }];
    const b = await welcomed(ctx, { pending });
    await b.conn.close();
    const order = b.welcome.custody.map((s) => `(${s.stream},${s.epoch})`).join(" ");
    expectThat(b.welcome.custody.length === 3 && b.welcome.custody.every((s, i) => s.stream === pending[i]!.stream && s.epoch === pending[i]!.epoch), {
      requirement: "HS-4",
      expected: `custody for ${pending.map((p) => `(${p.stream},${p.epoch})`).join(" ")} in that order`,
      actual: order || "no custody",
    });
    const [unseen, seen, other] = b.welcome.custody;
    expectThat(seen!.nextSeq === 5n && seen!.received.length === 0, { requirement: "ACK-4", expected: "next_seq 5 after events 0..4", actual: `next_seq ${seen!.nextSeq}` });
    for (const s of [unseen!, other!]) {
      expectThat(s.nextSeq === 0n && s.received.length === 0 && s.accounted.length === 0, { requirement: "HS-4", expected: `next_seq 0 and no ranges for unseen stream (${s.stream},${s.epoch})`, actual: `next_seq ${s.nextSeq}` });
    }
    return pass();
  },
};

export const SRV_HS_03: ServerCase = {
  id: "SRV-HS-03",
  title: "The first flight is taken into custody and acknowledged after the Welcome",
  cites: ["HS-11", "HS-12"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const epoch = freshEpoch();
    const opened = await welcomed(ctx, { pending: [{ stream: 7, epoch }], firstFlight: [runOf(7, epoch, 0n, 3, "hs03", "critical")] });
    await expectAck(opened.conn, 7, epoch, 0n, 2n, "HS-11");
    const firstAck = opened.conn.messages.findIndex((m) => m.type === "ack");
    const welcome = opened.conn.messages.findIndex((m) => m.type === "welcome");
    expectThat(welcome >= 0 && welcome < firstAck, { requirement: "HS-12", expected: "the Welcome, then the Ack of the first flight", actual: `message order ${opened.conn.messages.map((m) => m.type).join(", ")}` });
    await opened.conn.close();
    return pass();
  },
};

export const SRV_HS_04: ServerCase = {
  id: "SRV-HS-04",
  title: "Events before the Hello: UNEXPECTED_MESSAGE, close 4004, nothing stored",
  cites: ["HS-1", "WS-6", "ERR-4", "ERR-5"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const epoch = freshEpoch();
    const conn = await Connection.open(ctx.target.url, ctx.trace, { signal: ctx.signal });
    conn.send(runOf(9, epoch, 0n, 1, "hs04"));
    conn.send(helloOf(ctx.target.setup.deviceId, ctx.target.setup.credential));
    await expectRefusal(conn, 4, "HS-1");
    expectThat(!conn.messages.some((m) => m.type === "welcome"), { requirement: "HS-1", expected: "no Welcome after a refused first message", actual: "a Welcome" });
    await expectNothingStored(ctx, [{ stream: 9, epoch }], "ERR-5", "events sent before the Hello");
    return pass();
  },
};

export const SRV_HS_05: ServerCase = {
  id: "SRV-HS-05",
  title: "A second Hello on an open session: UNEXPECTED_MESSAGE, close 4004",
  cites: ["HS-1", "WS-6"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const { conn } = await welcomed(ctx);
    conn.send(helloOf(ctx.target.setup.deviceId, ctx.target.setup.credential));
    await expectRefusal(conn, 4, "HS-1");
    return pass();
  },
};

export const SRV_HS_06: ServerCase = {
  id: "SRV-HS-06",
  title: "A Hello with another role than app or device: INVALID_FIELD, close 4005",
  cites: ["HS-2", "HS-13"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const conn = await Connection.open(ctx.target.url, ctx.trace, { signal: ctx.signal });
    conn.send(helloOf(ctx.target.setup.deviceId, ctx.target.setup.credential, { role: "unspecified" }));
    await expectRefusal(conn, 5, "HS-2");
    return pass();
  },
};

export const SRV_VER_01: ServerCase = {
  id: "SRV-VER-01",
  title: "Hello.majors [2, 1]: the Welcome chooses 1, the first the server speaks",
  cites: ["VER-2", "VER-3"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const conn = await Connection.open(ctx.target.url, ctx.trace, { signal: ctx.signal });
    conn.send(helloOf(ctx.target.setup.deviceId, ctx.target.setup.credential, { majors: [2, 1], minor: 7 }));
    const m = await conn.next((x) => x.type === "welcome" || x.type === "error");
    await conn.close();
    expectThat(m?.type === "welcome" && m.welcome.major === 1, { requirement: "VER-2", expected: "a Welcome with major 1", actual: m?.type === "welcome" ? `major ${m.welcome.major}` : m?.type === "error" ? `Error ${m.error.code}` : "nothing" });
    return pass();
  },
};

export const SRV_VER_02: ServerCase = {
  id: "SRV-VER-02",
  title: "A Hello with no major the server speaks: VERSION_UNSUPPORTED, close 4010",
  cites: ["VER-2", "HS-13", "WS-6"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const epoch = freshEpoch();
    const conn = await Connection.open(ctx.target.url, ctx.trace, { signal: ctx.signal });
    conn.send(helloOf(ctx.target.setup.deviceId, ctx.target.setup.credential, { majors: [2], pending: [{ stream: 9, epoch }] }));
    conn.send(runOf(9, epoch, 0n, 1, "ver02"));
    await expectRefusal(conn, 10, "VER-2");
    await expectNothingStored(ctx, [{ stream: 9, epoch }], "HS-13", "the first flight of a refused Hello");
    return pass();
  },
};

export const SRV_WS_01: ServerCase = {
  id: "SRV-WS-01",
  title: "An upgrade offering no subprotocol the server speaks is refused with HTTP 400",
  cites: ["WS-4"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    for (const protocols of [["ferry.v2"], ["chat"]]) {
      let status: number | string = "an accepted upgrade";
      try {
        const conn = await Connection.open(ctx.target.url, ctx.trace, { protocols, signal: ctx.signal });
        status = `an accepted upgrade (subprotocol "${conn.ws.protocol}")`;
        await conn.close();
      } catch (e) {
        status = (e as { status?: number }).status ?? (e as Error).message;
      }
      expectThat(status === 400, { requirement: "WS-4", expected: `HTTP 400 to an upgrade offering ${protocols.join(", ")}`, actual: String(status) });
    }
    return pass();
  },
};

export const SRV_WS_04: ServerCase = {
  id: "SRV-WS-04",
  title: "The server does not accept permessage-deflate",
  cites: ["WS-5"],
  level: "SHOULD",
  role: "server",
  needs: WS,
  async run(ctx) {
    const conn = await Connection.open(ctx.target.url, ctx.trace, { deflate: true, signal: ctx.signal });
    const extensions = conn.ws.extensions;
    await conn.close();
    expectThat(!extensions.includes("permessage-deflate"), { requirement: "WS-5", expected: "no permessage-deflate in the upgrade response", actual: `Sec-WebSocket-Extensions: ${extensions}` });
    return pass();
  },
};

export const HANDSHAKE_CASES: ServerCase[] = [SRV_HS_01, SRV_HS_02, SRV_HS_03, SRV_HS_04, SRV_HS_05, SRV_HS_06, SRV_VER_01, SRV_VER_02, SRV_WS_01, SRV_WS_04];
