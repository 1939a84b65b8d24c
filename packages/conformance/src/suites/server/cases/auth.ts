/**
 * Authentication: a wrong or missing credential, and a device the credential
 * does not cover, end the connection with their Error and close code, the
 * first flight discarded, while other sessions go on [SEC-1] [SEC-2] [HS-13].
 */
import { CaseUnsupported, expectThat, pass, type Case, type CaseContext } from "../../../runner/case.js";
import type { ServerTarget } from "../../../targets/server-target.js";
import { Bystander } from "../bystander.js";
import { Connection } from "../connection.js";
import { expectNothingStored, expectRefusal } from "../expect.js";
import { freshEpoch, helloOf, hex, runOf } from "../messages.js";

const WS = { bindings: ["websocket"] } as const;
const STREAM = 9;

/** A Hello plus a first flight on a new connection. */
async function helloWithFirstFlight(ctx: CaseContext<ServerTarget>, deviceId: Uint8Array, credential: string, epoch: number): Promise<Connection> {
  const conn = await Connection.open(ctx.target.url, ctx.trace, { signal: ctx.signal });
  conn.send(helloOf(deviceId, credential, { pending: [{ stream: STREAM, epoch }] }));
  conn.send(runOf(STREAM, epoch, 0n, 2, "intruder"));
  return conn;
}

export const SRV_SEC_04: Case<ServerTarget> = {
  id: "SRV-SEC-04",
  title: "A wrong or missing credential: AUTH_FAILED, close 4020, first flight discarded, other sessions served",
  cites: ["SEC-1", "HS-13", "WS-6", "ERR-6"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const bystander = await Bystander.open(ctx);
    const epoch = freshEpoch();
    for (const credential of [`${ctx.target.setup.credential}-not`, ""]) {
      ctx.trace.step(credential ? "app: Hello with a credential the server never issued" : "app: Hello without a credential");
      const conn = await helloWithFirstFlight(ctx, ctx.target.setup.deviceId, credential, epoch);
      await expectRefusal(conn, 20, "SEC-1");
    }
    await expectNothingStored(ctx, [{ stream: STREAM, epoch }], "HS-13", "the first flight of an unauthenticated Hello");
    await bystander.expectStillServed();
    return pass();
  },
};

export const SRV_SEC_05: Case<ServerTarget> = {
  id: "SRV-SEC-05",
  title: "A device the credential does not cover: DEVICE_NOT_ALLOWED, close 4021, first flight discarded",
  cites: ["SEC-2", "HS-3", "HS-13", "ERR-6"],
  level: "MUST",
  role: "server",
  needs: WS,
  async run(ctx) {
    const { setup } = ctx.target;
    const bystander = await Bystander.open(ctx);
    const epoch = freshEpoch();
    const conn = await helloWithFirstFlight(ctx, setup.foreignDevice, setup.credential, epoch);
    const first = await conn.next((m) => m.type === "welcome" || m.type === "error");
    if (first?.type === "welcome" && !setup.foreignDeviceGiven) {
      await conn.close();
      throw new CaseUnsupported(`the credential covers ${hex(setup.foreignDevice)} too: name a device it does not cover with --foreign-device`);
    }
    expectThat(first?.type !== "welcome", { requirement: "SEC-2", expected: `DEVICE_NOT_ALLOWED for device ${hex(setup.foreignDevice)}, which the credential does not cover`, actual: "a Welcome" });
    await expectRefusal(conn, 21, "SEC-2");
    // The device's custody cannot be read with this credential; a target that shows its hand-off can say nothing was kept.
    const handed = await ctx.target.controls.deliveries?.(setup.foreignDevice, epoch);
    expectThat(!handed || handed.length === 0, { requirement: "HS-13", expected: "the first flight of a refused Hello discarded", actual: `${handed?.length} of its entries handed to the vendor application` });
    await bystander.expectStillServed();
    return pass();
  },
};

export const AUTH_CASES: Case<ServerTarget>[] = [SRV_SEC_04, SRV_SEC_05];
