import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ErrorCode, type ErrorName } from "../../src/errors.js";
import type { Hello, Message, StreamAck, Welcome } from "../../src/message.js";
import {
  ClientHandshake,
  DEFAULT_WINDOW,
  ServerHandshake,
  mintResumeToken,
  type ClientStart,
  type ServerConfig,
  type ServerStep,
} from "../../src/handshake/index.js";
import { CREDENTIAL, DEVICE, KEY_A, KEY_B, OTHER_DEVICE, NOW_S, SERVER_LIMITS, T0, TTL_S, clientOffer, events, serverConfig } from "./fixtures.js";

function hello(msg: Message): Hello {
  if (msg.type !== "hello") throw new Error(`expected hello, got ${msg.type}`);
  return msg.hello;
}

function welcomeOf(step: ServerStep): Welcome {
  if (step.kind !== "established") throw new Error(`expected established, got ${step.kind}`);
  const [msg] = step.send;
  if (msg?.type !== "welcome") throw new Error("no welcome");
  return msg.welcome;
}

/** Client and server exchange Hello (+ first flight) and Welcome in memory. */
function exchange(offer: ClientStart, config: ServerConfig = serverConfig(), unixS = NOW_S, firstFlight: Message[] = []) {
  const client = new ClientHandshake();
  const server = new ServerHandshake(config, T0);
  const flight = [client.start(offer, T0), ...firstFlight];
  const serverSteps = flight.map((m) => server.handleMessage(m, unixS));
  const clientSteps = serverSteps.flatMap((s) => ("send" in s ? s.send : [])).map((m) => client.handleMessage(m));
  return { client, server, serverSteps, clientSteps };
}

function expectRefused(step: ServerStep, name: ErrorName) {
  expect(step.kind).toBe("failed");
  if (step.kind !== "failed") return;
  expect(step.error.errorName).toBe(name);
  expect(step.send).toEqual([{ type: "error", error: expect.objectContaining({ code: ErrorCode[name] }) }]);
}

describe("app <-> server handshake", () => {
  it("[HS-1] [HS-6] [HS-10] Hello plus first-flight events, Welcome back: established in one round trip", () => {
    const client = new ClientHandshake();
    const server = new ServerHandshake(serverConfig(), T0);
    expect(client.maySend("events")).toBe(false);
    const first = client.start(clientOffer(), T0);
    expect(first.type).toBe("hello");
    expect(client.state).toBe("hello-sent");
    // First flight: events go at once, before any answer.
    expect(client.maySend("events") && client.maySend("accounting")).toBe(true);
    expect(client.maySend("commandAck")).toBe(false);
    const flight = [first, events(1, 7, 0n, 3), events(1, 7, 3n)];

    const steps = flight.map((m) => server.handleMessage(m, NOW_S));
    expect(steps.map((s) => s.kind)).toEqual(["established", "session", "session"]);
    expect(server.maySend("ack")).toBe(true);
    const welcome = steps[0]!.kind === "established" ? steps[0]!.send : [];
    expect(welcome).toHaveLength(1);

    const done = client.handleMessage(welcome[0]!);
    expect(done.kind).toBe("established");
    expect(client.state).toBe("established");
    const outcome = client.outcome!;
    expect(outcome).toMatchObject({ resumed: false, resumeRefused: 0, major: 1, minor: 0, window: SERVER_LIMITS.window, resumeTtlS: TTL_S });
    expect(outcome.sessionId).toEqual(server.outcome!.sessionId);
    // After the Welcome the session layer gets everything else.
    expect(client.handleMessage({ type: "ack", ack: { streams: [], scope: "hop", commandsPending: 0 } }).kind).toBe("session");
  });

  it("[HS-1] a first message other than Hello is UNEXPECTED_MESSAGE and closes", () => {
    const server = new ServerHandshake(serverConfig(), T0);
    expectRefused(server.handleMessage(events(1, 7, 0n), NOW_S), "UNEXPECTED_MESSAGE");
    expect(server.state).toBe("failed");
    // The connection is closing: even a Hello now is ignored.
    expect(server.handleMessage(new ClientHandshake().start(clientOffer(), T0), NOW_S).kind).toBe("ignored");
  });

  it("[HS-1] a second Hello is UNEXPECTED_MESSAGE", () => {
    const { server } = exchange(clientOffer());
    const again = new ClientHandshake().start(clientOffer(), T0);
    expectRefused(server.handleMessage(again, NOW_S), "UNEXPECTED_MESSAGE");
  });

  it("[HS-3] a Hello without a device id, or one over 16 bytes, is INVALID_FIELD", () => {
    const h = hello(new ClientHandshake().start(clientOffer(), T0));
    for (const deviceId of [new Uint8Array(0), new Uint8Array(17)]) {
      const server = new ServerHandshake(serverConfig(), T0);
      expectRefused(server.handleMessage({ type: "hello", hello: { ...h, deviceId } }, NOW_S), "INVALID_FIELD");
    }
    expect(() => new ClientHandshake().start(clientOffer({ deviceId: new Uint8Array(0) }), T0)).toThrow(/INVALID_FIELD/);
  });

  it("[VER-2] a Hello with no majors is INVALID_FIELD; one with no common major VERSION_UNSUPPORTED", () => {
    const h = hello(new ClientHandshake().start(clientOffer(), T0));
    expectRefused(new ServerHandshake(serverConfig(), T0).handleMessage({ type: "hello", hello: { ...h, majors: [] } }, NOW_S), "INVALID_FIELD");
    expectRefused(new ServerHandshake(serverConfig(), T0).handleMessage({ type: "hello", hello: { ...h, majors: [2, 3] } }, NOW_S), "VERSION_UNSUPPORTED");
  });

  it("[HS-2] [ENV-4] a server role or a pending stream of epoch 0 is INVALID_FIELD; a hub (device role) is welcome", () => {
    const h = hello(new ClientHandshake().start(clientOffer(), T0));
    expectRefused(new ServerHandshake(serverConfig(), T0).handleMessage({ type: "hello", hello: { ...h, role: "server" } }, NOW_S), "INVALID_FIELD");
    const zero = { ...h, pending: [{ stream: 1, epoch: 0 }] };
    expectRefused(new ServerHandshake(serverConfig(), T0).handleMessage({ type: "hello", hello: zero }, NOW_S), "INVALID_FIELD");
    const hub = exchange(clientOffer({ role: "device" }));
    expect(hub.server.outcome?.role).toBe("device");
  });

  it("[SEC-1] a bad credential is AUTH_FAILED, a device the credential does not cover DEVICE_NOT_ALLOWED", () => {
    const bad = exchange(clientOffer({ credential: new TextEncoder().encode("stolen") }), serverConfig(), NOW_S, [events(1, 7, 0n)]);
    expectRefused(bad.serverSteps[0]!, "AUTH_FAILED");
    expect(bad.serverSteps[1]!.kind).toBe("ignored");
    // The app reads the Error: its own credential was at fault.
    const seen = bad.clientSteps[0]!;
    expect(seen.kind === "failed" && seen.origin === "received" && seen.error.errorName === "AUTH_FAILED" && seen.error.fault === "local").toBe(true);
    expect(bad.client.state).toBe("failed");

    const other = exchange(clientOffer({ deviceId: OTHER_DEVICE, credential: CREDENTIAL }));
    expectRefused(other.serverSteps[0]!, "DEVICE_NOT_ALLOWED");
  });

  it("[HS-4] the Welcome carries the server's custody of every pending stream, once each", () => {
    const held: StreamAck = { stream: 1, epoch: 7, nextSeq: 42n, received: [{ first: 44n, last: 45n }], accounted: [] };
    const store = new Map([["1/7", held]]);
    const pending = [{ stream: 1, epoch: 7 }, { stream: 2, epoch: 7 }, { stream: 1, epoch: 7 }];
    const { client } = exchange(clientOffer({ pending }), serverConfig({}, store));
    expect(client.outcome!.custody).toEqual([held, { stream: 2, epoch: 7, nextSeq: 0n, received: [], accounted: [] }]);
  });

  it("[HS-7] a fresh session id is 16 random bytes, new for each session", () => {
    const config = serverConfig();
    const a = exchange(clientOffer(), config).client.outcome!.sessionId;
    const b = exchange(clientOffer(), config).client.outcome!.sessionId;
    expect(a).toHaveLength(16);
    expect(a).not.toEqual(b);
    const short = serverConfig({ randomBytes: () => new Uint8Array(4) });
    expect(() => exchange(clientOffer(), short)).toThrow(/INTERNAL/);
  });

  it("[HS-5] [HS-8] [SEC-4] a valid token resumes the same session and gets a new token", () => {
    const config = serverConfig();
    const first = exchange(clientOffer(), config).client.outcome!;
    const later = NOW_S + 60;
    const { client, serverSteps } = exchange(clientOffer({ resumeToken: first.resumeToken }), config, later, [events(1, 7, 0n)]);
    expect(client.outcome).toMatchObject({ resumed: true, resumeRefused: 0 });
    expect(client.outcome!.sessionId).toEqual(first.sessionId);
    expect(client.outcome!.resumeToken).not.toEqual(first.resumeToken);
    expect(serverSteps[1]!.kind).toBe("session");
  });

  describe("[HS-9] [HS-10] a refused token falls back to a fresh session that still takes the first flight", () => {
    const config = serverConfig();
    const first = exchange(clientOffer(), config).client.outcome!;
    const forged = first.resumeToken.slice();
    forged[5]! ^= 0x10;
    const foreign = mintResumeToken({ key: KEY_B, sessionId: first.sessionId, deviceId: DEVICE, expiresAtS: NOW_S + 100 });
    const otherDevice = mintResumeToken({ key: KEY_A, sessionId: first.sessionId, deviceId: OTHER_DEVICE, expiresAtS: NOW_S + 100 });
    const cases = [
      { name: "forged", token: forged, at: NOW_S, refused: ErrorCode.TOKEN_INVALID, config },
      { name: "minted by someone else", token: foreign, at: NOW_S, refused: ErrorCode.TOKEN_INVALID, config },
      { name: "bound to another device", token: otherDevice, at: NOW_S, refused: ErrorCode.TOKEN_INVALID, config },
      { name: "for a session the server no longer has", token: first.resumeToken, at: NOW_S, refused: ErrorCode.TOKEN_INVALID, config: { ...config, canResume: () => false } },
      { name: "expired [SEC-5]", token: first.resumeToken, at: NOW_S + TTL_S, refused: ErrorCode.TOKEN_EXPIRED, config },
      { name: "absent", token: new Uint8Array(0), at: NOW_S, refused: 0, config },
    ];
    it.each(cases)("$name -> resume_refused $refused", ({ token, at, refused, config }) => {
      const { client, serverSteps } = exchange(clientOffer({ resumeToken: token }), config, at, [events(1, 7, 0n, 2)]);
      expect(serverSteps.map((s) => s.kind)).toEqual(["established", "session"]);
      expect(client.outcome).toMatchObject({ resumed: false, resumeRefused: refused });
      expect(client.outcome!.sessionId).not.toEqual(first.sessionId);
      expect(client.outcome!.resumeToken.length).toBeGreaterThan(0);
    });
  });

  it("[VER-2] negotiation over random major lists: the first offered the server speaks, else VERSION_UNSUPPORTED", () => {
    const arbMajors = fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(arbMajors, arbMajors, (offered, spoken) => {
        const config = serverConfig({ limits: { ...SERVER_LIMITS, majors: spoken } });
        const { serverSteps, client } = exchange(clientOffer({ majors: offered }), config);
        const expected = offered.find((m) => spoken.includes(m));
        if (expected === undefined) {
          expectRefused(serverSteps[0]!, "VERSION_UNSUPPORTED");
          expect(client.state).toBe("failed");
        } else {
          expect(welcomeOf(serverSteps[0]!).major).toBe(expected);
          expect(client.outcome?.major).toBe(expected);
        }
      }),
    );
  });

  it("[VER-7] features in effect are the intersection; a Welcome claiming more is INVALID_FIELD", () => {
    fc.assert(
      fc.property(fc.nat({ max: 15 }), fc.nat({ max: 15 }), (app, server) => {
        const config = serverConfig({ limits: { ...SERVER_LIMITS, features: server } });
        expect(exchange(clientOffer({ features: app }), config).client.outcome!.features).toBe(app & server);
      }),
    );
  });

  it("[VER-2] [VER-7] [HS-4] [HS-7] [HS-9] the app refuses a Welcome that breaks the rules, with INVALID_FIELD", () => {
    const offer = clientOffer({ pending: [{ stream: 1, epoch: 7 }] });
    const good = welcomeOf(new ServerHandshake(serverConfig(), T0).handleMessage(new ClientHandshake().start(offer, T0), NOW_S));
    const broken: Partial<Welcome>[] = [
      { major: 2 },
      { features: good.features | 8 },
      { sessionId: new Uint8Array(7) },
      { resumed: true },
      { resumeRefused: ErrorCode.TOKEN_INVALID },
      { custody: [] },
      { custody: [...good.custody, ...good.custody] },
      { custody: [{ stream: 9, epoch: 7, nextSeq: 0n, received: [], accounted: [] }] },
    ];
    for (const patch of broken) {
      const client = new ClientHandshake();
      client.start(offer, T0);
      const step = client.handleMessage({ type: "welcome", welcome: { ...good, ...patch } });
      expect(step.kind === "failed" && step.error.errorName, JSON.stringify(Object.keys(patch))).toBe("INVALID_FIELD");
      expect(step.kind === "failed" && step.send[0]?.type).toBe("error");
    }
    // With a token offered, resume_refused must still be a token error.
    const withToken = new ClientHandshake();
    withToken.start({ ...offer, resumeToken: new Uint8Array([1]) }, T0);
    const bad = withToken.handleMessage({ type: "welcome", welcome: { ...good, resumeRefused: ErrorCode.MALFORMED } });
    expect(bad.kind === "failed" && bad.error.errorName).toBe("INVALID_FIELD");
  });

  it("[HS-1] anything but Welcome or Error before the Welcome is UNEXPECTED_MESSAGE for the app", () => {
    const client = new ClientHandshake();
    expect(client.handleMessage(events(1, 7, 0n)).kind).toBe("failed");
    const waiting = new ClientHandshake();
    waiting.start(clientOffer(), T0);
    const step = waiting.handleMessage({ type: "ack", ack: { streams: [], scope: "hop", commandsPending: 0 } });
    expect(step.kind === "failed" && step.error.errorName).toBe("UNEXPECTED_MESSAGE");
    expect(waiting.handleMessage({ type: "welcome", welcome: {} as Welcome }).kind).toBe("ignored");
  });

  it("an Error with a code this version does not know fails the handshake as INTERNAL, keeping the peer's Error", () => {
    const client = new ClientHandshake();
    client.start(clientOffer(), T0);
    const step = client.handleMessage({ type: "error", error: { code: 99, detail: "new" } });
    expect(step.kind === "failed" && [step.error.errorName, step.peerError?.code]).toEqual(["INTERNAL", 99]);
  });

  it("[FLOW-2] [HS-10] windows: first flight under the default or the kept window, then the server's grant", () => {
    const client = new ClientHandshake();
    client.start(clientOffer(), T0);
    expect(client.sendWindow).toEqual(DEFAULT_WINDOW.serverGrantsApp);
    const kept = new ClientHandshake();
    const hi = kept.start(clientOffer({ firstFlightWindow: { events: 64, bytes: 8192 } }), T0);
    expect(kept.sendWindow).toEqual({ events: 64, bytes: 8192 });
    const step = new ServerHandshake(serverConfig(), T0).handleMessage(hi, NOW_S);
    kept.handleMessage(step.kind === "established" ? step.send[0]! : hi);
    expect(kept.sendWindow).toEqual(SERVER_LIMITS.window);
    expect(step.kind === "established" && [step.outcome.window, step.outcome.granted]).toEqual([clientOffer().window, SERVER_LIMITS.window]);
    const noGrant = { ...hello(hi), window: undefined };
    const s2 = new ServerHandshake(serverConfig(), T0).handleMessage({ type: "hello", hello: noGrant }, NOW_S);
    expect(s2.kind === "established" && s2.outcome.window).toEqual(DEFAULT_WINDOW.appGrantsServer);
  });

  it("[HS-15] handshake timeouts: 10 s by default on the server leg; a late input fails it, nothing is sent", () => {
    const client = new ClientHandshake();
    expect(client.pollTimeout()).toBeUndefined();
    client.start(clientOffer(), 1000);
    expect(client.pollTimeout()).toBe(11_000);
    expect(client.handleTimeout(10_999)).toBeUndefined();
    const failed = client.handleTimeout(11_000);
    expect(failed && [failed.origin, failed.error.errorName, failed.send]).toEqual(["timeout", "UNAVAILABLE", []]);
    expect(client.pollTimeout()).toBeUndefined();

    const server = new ServerHandshake(serverConfig({ timeoutMs: 2000 }), 500);
    expect(server.pollTimeout()).toBe(2500);
    expect(server.handleTimeout(2500)?.origin).toBe("timeout");
    expect(server.state).toBe("failed");

    const done = exchange(clientOffer());
    expect([done.client.pollTimeout(), done.server.pollTimeout(), done.server.handleTimeout(T0 + 1e9)]).toEqual([undefined, undefined, undefined]);
  });

  it("start twice is a local error", () => {
    const client = new ClientHandshake();
    client.start(clientOffer(), T0);
    expect(() => client.start(clientOffer(), T0)).toThrow(/UNEXPECTED_MESSAGE/);
  });
});
