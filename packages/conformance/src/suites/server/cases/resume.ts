/**
 * Resume and its refusals: a valid token resumes in one round trip; a
 * forged, expired or other device's token falls back to a fresh session
 * that still takes the first flight [HS-8] [HS-9] [HS-11] [SEC-4]..[SEC-6].
 */
import { errorInfo, type Welcome } from "@ferry/protocol";
import { CaseUnsupported, expectThat, pass, type Case, type CaseContext } from "../../../runner/case.js";
import type { ServerTarget } from "../../../targets/server-target.js";
import { freshEpoch, hex, runOf } from "../messages.js";
import { expectAck, openSession, welcomed } from "../session.js";

type Ctx = CaseContext<ServerTarget>;
const WS = { bindings: ["websocket"] } as const;
const STREAM = 1;

/** A session's token, the session left the way a suspended app leaves it: dropped. */
async function tokenOf(ctx: Ctx, deviceId?: Uint8Array): Promise<Welcome> {
  const { conn, welcome } = await welcomed(ctx, deviceId ? { deviceId } : {});
  conn.drop();
  expectThat(welcome.resumeToken.length > 0, { requirement: "HS-6", expected: "a resume token in the Welcome", actual: "an empty resume_token" });
  return welcome;
}

/**
 * Offers `token` with a first flight and expects a fresh session refused
 * with `code`, the first flight acknowledged, and a new session id.
 */
async function expectFreshSession(ctx: Ctx, token: Uint8Array, code: number, requirement: string, previous?: Uint8Array): Promise<void> {
  const epoch = freshEpoch();
  const opened = await welcomed(ctx, { resumeToken: token, pending: [{ stream: STREAM, epoch }], firstFlight: [runOf(STREAM, epoch, 0n, 3, "refused-resume")] });
  const w = opened.welcome;
  const name = errorInfo(code)?.name;
  expectThat(!w.resumed && w.resumeRefused === code, { requirement, expected: `a fresh session: resumed false, resume_refused ${code} (${name})`, actual: `resumed ${w.resumed}, resume_refused ${w.resumeRefused}` });
  expectThat(opened.conn.errors().length === 0, { requirement: "HS-9", expected: "no Error: a refused token is reported in the Welcome and the connection goes on", actual: `Error ${opened.conn.errors().join(", ")}` });
  if (previous) expectThat(!Buffer.from(w.sessionId).equals(previous), { requirement: "HS-7", expected: "a new session id for the fresh session", actual: `the refused token's session id ${hex(previous)}` });
  await expectAck(opened.conn, STREAM, epoch, 0n, 2n, "HS-11");
  await opened.conn.close();
}

export const SRV_RESUME_01: Case<ServerTarget> = {
  id: "SRV-RESUME-01",
  title: "A valid resume token resumes the session in one round trip, first-flight events acknowledged",
  cites: ["HS-6", "HS-8", "HS-11", "SEC-4", "CONF-8"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const epoch = freshEpoch();
    const first = await tokenOf(ctx);
    ctx.trace.step("app: suspended (connection dropped), then woken");
    const opened = await openSession(ctx, { resumeToken: first.resumeToken, pending: [{ stream: STREAM, epoch }], firstFlight: [runOf(STREAM, epoch, 0n, 4, "resume", "critical")] });
    expectThat(opened.kind === "welcome", { requirement: "HS-6", expected: "a Welcome to the resuming Hello", actual: opened.kind === "refused" ? `Error ${opened.error?.code ?? "-"}, close ${opened.closed?.code ?? "-"}` : "" });
    const w = opened.welcome;
    expectThat(w.resumed && w.resumeRefused === 0, { requirement: "HS-8", expected: "resumed true, resume_refused 0 for the token of the last Welcome", actual: `resumed ${w.resumed}, resume_refused ${w.resumeRefused}` });
    expectThat(Buffer.from(w.sessionId).equals(first.sessionId), { requirement: "HS-8", expected: `the resumed session's id ${hex(first.sessionId)}`, actual: hex(w.sessionId) });
    // One round trip: the app sends nothing after its first flight and still gets its Ack [CONF-8].
    await expectAck(opened.conn, STREAM, epoch, 0n, 3n, "CONF-8");
    expectThat(w.resumeToken.length > 0, { requirement: "SEC-4", expected: "a new resume token in the resumed Welcome", actual: "an empty resume_token" });
    await opened.conn.close();
    return pass();
  },
};

export const SRV_SEC_01: Case<ServerTarget> = {
  id: "SRV-SEC-01",
  title: "A forged resume token is refused with TOKEN_INVALID in a fresh session, and the events are kept",
  cites: ["SEC-6", "HS-9", "HS-11", "CONF-10"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const genuine = await tokenOf(ctx);
    const forged = new Uint8Array(genuine.resumeToken);
    forged[forged.length - 1] = forged[forged.length - 1]! ^ 0x01; // the MAC's last byte, or whatever ends an opaque token
    ctx.trace.step("app: offers its token with one bit flipped");
    await expectFreshSession(ctx, forged, 22, "SEC-6", genuine.sessionId);
    ctx.trace.step("app: offers random bytes as a token");
    await expectFreshSession(ctx, new Uint8Array(genuine.resumeToken.length).map((_, i) => (i * 37 + 11) & 0xff), 22, "SEC-6");
    return pass();
  },
};

export const SRV_SEC_02: Case<ServerTarget> = {
  id: "SRV-SEC-02",
  title: "An expired resume token is refused with TOKEN_EXPIRED in a fresh session, and the events are kept",
  cites: ["SEC-5", "HS-9", "HS-11"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const genuine = await tokenOf(ctx);
    const advance = ctx.target.controls.advanceClock;
    const ttlMs = genuine.resumeTtlS * 1000;
    if (advance) {
      ctx.trace.step(`server: clock moved ${genuine.resumeTtlS + 1} s forward`);
      advance(ttlMs + 1000);
    } else if (ttlMs <= 10_000 && ttlMs + 1500 < ctx.timeoutMs) {
      ctx.progress(`waiting ${genuine.resumeTtlS + 1} s for the token to expire`);
      await new Promise((r) => setTimeout(r, ttlMs + 1000));
    } else {
      throw new CaseUnsupported(`no way to expire a token: resume_ttl_s is ${genuine.resumeTtlS} s; run against a deployment whose tokens live at most 10 s`);
    }
    await expectFreshSession(ctx, genuine.resumeToken, 23, "SEC-5", genuine.sessionId);
    return pass();
  },
};

export const SRV_SEC_03: Case<ServerTarget> = {
  id: "SRV-SEC-03",
  title: "A token minted for another device is refused with TOKEN_INVALID in a fresh session, and the events are kept",
  cites: ["SEC-6", "ERR-5", "HS-9"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const { setup } = ctx.target;
    const probe = await openSession(ctx, { deviceId: setup.device2 });
    if (probe.kind === "refused") {
      await probe.conn.close();
      if (!setup.device2Given) throw new CaseUnsupported(`the credential does not cover a second device (tried ${hex(setup.device2)}): give one with --device2`);
      expectThat(false, { requirement: "SEC-6", expected: `a Welcome for the second device ${hex(setup.device2)}`, actual: `Error ${probe.error?.code ?? "-"}` });
    } else await probe.conn.close();
    const other = await tokenOf(ctx, setup.device2);
    ctx.trace.step(`app: offers device ${hex(setup.device2)}'s token in a Hello for device ${hex(setup.deviceId)}`);
    await expectFreshSession(ctx, other.resumeToken, 22, "SEC-6", other.sessionId);
    return pass();
  },
};

export const RESUME_CASES: Case<ServerTarget>[] = [SRV_RESUME_01, SRV_SEC_01, SRV_SEC_02, SRV_SEC_03];
