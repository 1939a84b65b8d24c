import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Credentials, FerryServer, silentLogger } from "../src/index.js";
import { tempDir } from "./support/server-process.js";
import { eventsMessage, GoodClient, helloMessage, RawClient } from "./support/ws-client.js";

describe("FerryServer in process", () => {
  it("[HS-6] [ACK-2] starts on an ephemeral port, takes custody over WebSocket, and closes with 1001", async () => {
    const server = await FerryServer.start({ port: 0, dbPath: join(tempDir(), "f.db"), credentials: new Credentials([["demo", "*"]]), logger: silentLogger });
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/ws$/);
    expect((await fetch(`${server.httpUrl}/v1/health`)).status).toBe(200);
    const client = await GoodClient.open(server.url, new Uint8Array([1]), "demo", 1, 9);
    await client.send(10);
    expect((await server.store.custody(new Uint8Array([1]), [{ stream: 1, epoch: 9 }]))[0]!.nextSeq).toBe(10n);
    const closing = server.close();
    expect(await client.raw.closeCode()).toBe(1001);
    await closing;
  });

  it("[WS-8] pings a silent peer; [HS-15] closes a connection without Hello; closes an idle one with 1000 (chapter 11.4)", async () => {
    const server = await FerryServer.start({
      port: 0,
      dbPath: ":memory:",
      credentials: new Credentials([["demo", "*"]]),
      pingAfterMs: 100,
      idleTimeoutMs: 60_000,
      helloTimeoutMs: 300,
      logger: silentLogger,
    });
    const pinged = await RawClient.connect(server.url);
    pinged.send(helloMessage(new Uint8Array([1]), "demo"));
    await pinged.welcome();
    await new Promise<void>((r) => pinged.ws.once("ping", () => r()));
    expect(pinged.ws.readyState).toBe(pinged.ws.OPEN);
    pinged.close();

    const mute = await RawClient.connect(server.url);
    expect(await mute.closeCode()).toBe(1000);
    expect(mute.messages).toEqual([]);
    await server.close();

    const strict = await FerryServer.start({ port: 0, dbPath: ":memory:", credentials: new Credentials([["demo", "*"]]), pingAfterMs: 60_000, idleTimeoutMs: 300, logger: silentLogger });
    const idle = await RawClient.connect(strict.url);
    idle.send(helloMessage(new Uint8Array([1]), "demo"));
    await idle.welcome();
    expect(await idle.closeCode()).toBe(1000);
    await strict.close();
  });

  it("[ACK-21] accounts a gap nobody fills within the gap timeout as lost, and hand-off goes on", async () => {
    let now = 1_800_000_000_000;
    const hour = 3600_000;
    const server = await FerryServer.start({ port: 0, dbPath: ":memory:", credentials: new Credentials([["demo", "*"]]), gapTimeoutMs: hour, now: () => now, logger: silentLogger });
    const c = await RawClient.connect(server.url);
    c.send(helloMessage(new Uint8Array([5]), "demo"));
    c.send(eventsMessage(1, 3, 2n, ["above-the-gap"]));
    await c.ackedTo(1, 0n);
    expect(await server.accountLostGaps()).toBe(0);
    now += hour;
    expect(await server.accountLostGaps()).toBe(1);
    const log = await server.store.readDeliveries(0n, 10);
    expect(log.map((d) => (d.kind === "event" ? `event ${d.seq}` : `${d.reason} ${d.first}-${d.last}`))).toEqual(["lost 0-1", "event 2"]);
    c.close();
    await server.close();
  });

  it("[SEC-1] slows down repeated AUTH_FAILED from one address with RATE_LIMITED", async () => {
    const server = await FerryServer.start({
      port: 0,
      dbPath: ":memory:",
      credentials: new Credentials([["demo", "*"]]),
      authThrottle: { failures: 2, intervalMs: 60_000 },
      logger: silentLogger,
    });
    for (let i = 0; i < 2; i++) {
      const c = await RawClient.connect(server.url);
      c.send(helloMessage(new Uint8Array([1]), "wrong"));
      expect(await c.closeCode()).toBe(4020);
    }
    const c = await RawClient.connect(server.url);
    c.send(helloMessage(new Uint8Array([1]), "wrong"));
    expect(await c.closeCode()).toBe(4041);
    expect(c.errors()).toEqual([41]);
    const batch = await fetch(`${server.httpUrl}/v1/batch`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(batch.status).toBe(429);
    expect(batch.headers.get("retry-after")).toMatch(/^\d+$/);
    await server.close();
  });
});
