/**
 * handshake.json: opening a session between app and server [HS-1]..[HS-9],
 * fresh, with a first flight, and each way the server refuses a Hello.
 */
import type { ExchangeVector } from "../../src/vectors/types.js";
import { step, type About } from "./build.js";
import { EPOCH, msg, NOW_S, OTHER_DEVICE_ID, STREAM, token, utf8 } from "./fixtures.js";
import type { VectorGroup } from "./group.js";
import { ALARM_1, custodyOf, samples, SERVER, serverHello, serverWelcome } from "./parties.js";

const exchange = (about: About, steps: ExchangeVector["steps"]): ExchangeVector => ({ ...about, kind: "exchange", leg: "app-server", steps });
const fresh = SERVER.freshSessionId;

export const handshake: VectorGroup = {
  file: "handshake.json",
  group: "handshake",
  description: `App-server handshakes on the WebSocket leg, message by message. The server speaks major 1 with features 10 (commands, HTTP batch), grants 1024 events / 1 MiB, mints resume tokens with the test key valid ${86400} s, and its random source yields session id b0..bf. The clock reads ${NOW_S} (Unix seconds). Implementation-chosen values a harness should not compare: Welcome.session_id and resume_token (unless it uses the same key, clock and randomness), Error.detail.`,
  vectors: () => [
    exchange({ name: "app-server-fresh-session", description: "A Hello with no token and nothing pending; the Welcome opens a fresh session with a new resume token.", requirements: ["HS-1", "HS-2", "HS-3", "HS-6", "HS-7", "SEC-1", "SEC-4", "SEC-5", "VER-2", "VER-7", "FLOW-2"] }, [
      step("app", msg.hello(serverHello())),
      step("server", msg.welcome(serverWelcome({ sessionId: fresh, resumeToken: token(fresh, NOW_S + 86400) }))),
    ]),
    exchange(
      { name: "app-server-first-flight", description: "One round trip: the Hello names the streams it holds events of, and the events follow at once, before any answer (the alarm first). The Welcome reports the server's custody before them; the Ack, once they are committed, acknowledges all four.", requirements: ["HS-1", "HS-4", "HS-6", "HS-10", "HS-11", "HS-12", "ACK-2", "ACK-4", "ENV-5", "PRIO-3"] },
      [
        step("app", msg.hello(serverHello({ pending: [{ stream: STREAM.samples, epoch: EPOCH }, { stream: STREAM.alarm, epoch: EPOCH }] }))),
        step("app", msg.events({ stream: STREAM.alarm, firstSeq: 0n, priority: "critical", epoch: EPOCH, payloads: [ALARM_1] })),
        step("app", msg.events({ stream: STREAM.samples, firstSeq: 0n, epoch: EPOCH, payloads: samples(0, 3) })),
        step("server", msg.welcome(serverWelcome({ sessionId: fresh, resumeToken: token(fresh, NOW_S + 86400), custody: [custodyOf(STREAM.samples, 0n), custodyOf(STREAM.alarm, 0n)] }))),
        step("server", msg.ack({ streams: [custodyOf(STREAM.samples, 3n), custodyOf(STREAM.alarm, 1n)] })),
      ],
    ),
    exchange({ name: "app-server-version-unsupported", description: "A Hello offering only major 2 to a 1.x server: Error VERSION_UNSUPPORTED (10), then close 4010.", requirements: ["VER-2", "HS-13", "ERR-1"] }, [
      step("app", msg.hello(serverHello({ majors: [2] }))),
      step("server", msg.error({ code: 10, detail: "offered majors 2; speaks 1" })),
    ]),
    exchange({ name: "app-server-auth-failed", description: "A Hello with a credential the server does not know, and a first flight: Error AUTH_FAILED (20), then close 4020; the first flight is discarded, not acknowledged.", requirements: ["SEC-1", "HS-13", "ERR-1"] }, [
      step("app", msg.hello(serverHello({ credential: utf8("not-a-credential"), pending: [{ stream: STREAM.samples, epoch: EPOCH }] }))),
      step("app", msg.events({ stream: STREAM.samples, firstSeq: 0n, epoch: EPOCH, payloads: samples(0, 2) })),
      step("server", msg.error({ code: 20, detail: "credential refused" })),
    ]),
    exchange({ name: "app-server-device-not-allowed", description: "A valid credential naming a device it does not cover (0908070605040302): Error DEVICE_NOT_ALLOWED (21), then close 4021.", requirements: ["SEC-1", "HS-3", "HS-13", "ERR-1"] }, [
      step("app", msg.hello(serverHello({ deviceId: OTHER_DEVICE_ID }))),
      step("server", msg.error({ code: 21, detail: "credential does not cover the device" })),
    ]),
    exchange({ name: "app-server-hello-without-device-id", description: "A Hello on the server leg that names no device: Error INVALID_FIELD (5), then close 4005.", requirements: ["HS-3", "ID-3", "HS-13", "ERR-1"] }, [
      step("app", msg.hello(serverHello({ deviceId: new Uint8Array(0) }))),
      step("server", msg.error({ code: 5, detail: "hello without device_id" })),
    ]),
    exchange({ name: "app-server-hello-role-unspecified", description: "A Hello whose role is ROLE_UNSPECIFIED: Error INVALID_FIELD (5), then close 4005.", requirements: ["HS-2", "HS-13", "ERR-1"] }, [
      step("app", msg.hello(serverHello({ role: "unspecified" }))),
      step("server", msg.error({ code: 5, detail: "role unspecified cannot open a server session" })),
    ]),
    exchange({ name: "app-server-check-order", description: "A Hello that fails two checks, offering only major 2 and naming no device: the major is checked first, so Error VERSION_UNSUPPORTED (10), not INVALID_FIELD.", requirements: ["HS-13", "VER-2"] }, [
      step("app", msg.hello(serverHello({ majors: [2], deviceId: new Uint8Array(0) }))),
      step("server", msg.error({ code: 10, detail: "offered majors 2; speaks 1" })),
    ]),
    exchange({ name: "app-server-events-before-hello", description: "Events as the first message: Error UNEXPECTED_MESSAGE (4), then close 4004.", requirements: ["HS-1", "ERR-1"] }, [
      step("app", msg.events({ stream: STREAM.samples, firstSeq: 0n, epoch: EPOCH, payloads: samples(0, 1) })),
      step("server", msg.error({ code: 4, detail: "events before Hello" })),
    ]),
  ],
};
