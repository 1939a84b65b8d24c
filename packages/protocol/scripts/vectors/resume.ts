/**
 * resume.json: resuming an app-server session in one round trip [HS-5]
 * [HS-8] [HS-9], and the fallback to a fresh session that loses nothing.
 *
 * Every exchange happens an hour after the session a0..af was opened: the
 * app offers the token it got then, with the events it gathered since.
 */
import type * as M from "../../src/message.js";
import type { ExchangeVector } from "../../src/vectors/types.js";
import { step, type About } from "./build.js";
import { EPOCH, msg, NOW_S, OTHER_DEVICE_ID, OTHER_TOKEN_KEY, SESSION_A, STREAM, token, TOKEN_KEY, TOKEN_TTL_S, utf8 } from "./fixtures.js";
import type { VectorGroup } from "./group.js";
import { ALARM_2, custodyOf, RESUME_S, samples, SERVER, serverHello, serverWelcome } from "./parties.js";

const exchange = (about: About, steps: ExchangeVector["steps"]): ExchangeVector => ({ ...about, kind: "exchange", leg: "app-server", steps });
const fresh = SERVER.freshSessionId;

/** The woken app's first flight: Hello with `offered`, then an alarm and three samples. */
function firstFlight(offered: Uint8Array) {
  return [
    step("app", msg.hello(serverHello({ resumeToken: offered, pending: [{ stream: STREAM.samples, epoch: EPOCH }, { stream: STREAM.alarm, epoch: EPOCH }], wakeBudgetMs: 8000 }))),
    step("app", msg.events({ stream: STREAM.alarm, firstSeq: 1n, priority: "critical", epoch: EPOCH, payloads: [ALARM_2] })),
    step("app", msg.events({ stream: STREAM.samples, firstSeq: 3n, epoch: EPOCH, payloads: samples(3, 3) })),
  ];
}

/** The server's custody before the first flight, and its Ack after it. */
const before = [custodyOf(STREAM.samples, 3n), custodyOf(STREAM.alarm, 1n)];
const after: M.Message = msg.ack({ streams: [custodyOf(STREAM.samples, 6n), custodyOf(STREAM.alarm, 2n)] });

/** A Welcome refusing the offered token (`why`: 22 or 23): fresh session b0..bf. */
const refusedWith = (why: number) =>
  step("server", msg.welcome(serverWelcome({ sessionId: fresh, resumeToken: token(fresh, RESUME_S + TOKEN_TTL_S), resumed: false, resumeRefused: why, custody: before })));

export const resume: VectorGroup = {
  file: "resume.json",
  group: "resume",
  description: `Resuming an app-server session after a wake, one round trip from Hello to resumed and acknowledged, with the server of handshake.json. Session a0..af was opened at ${NOW_S} with a token valid ${TOKEN_TTL_S} s; the app resumes at ${RESUME_S}. A refused token falls back to a fresh session b0..bf, and the first flight's events are acknowledged all the same (their identities make them safe to re-send).`,
  vectors: () => [
    exchange(
      { name: "resume-accepted", description: "A valid token: the Welcome resumes session a0..af (resumed true) with a new token, the Ack covers the first flight, and the command queued meanwhile follows.", requirements: ["HS-4", "HS-5", "HS-8", "HS-10", "HS-11", "HS-12", "SEC-4", "SEC-5", "ACK-2", "CMD-11"] },
      [
        ...firstFlight(token(SESSION_A)),
        step("server", msg.welcome(serverWelcome({ sessionId: SESSION_A, resumeToken: token(SESSION_A, RESUME_S + TOKEN_TTL_S), resumed: true, custody: before }))),
        step("server", after),
        step("server", msg.command({ id: 7n, payload: utf8("unlock"), ttlMs: 30000 })),
      ],
    ),
    exchange(
      { name: "resume-refused-token-invalid", description: "A token whose MAC is not the server's (minted with another key): resume_refused TOKEN_INVALID (22), fresh session, events acknowledged.", requirements: ["HS-9", "HS-11", "HS-14", "SEC-4", "SEC-6"] },
      [...firstFlight(token(SESSION_A, NOW_S + TOKEN_TTL_S, OTHER_TOKEN_KEY)), refusedWith(22), step("server", after)],
    ),
    exchange(
      { name: "resume-refused-token-other-device", description: "A genuine token bound to another device (0908070605040302): TOKEN_INVALID (22), fresh session, events acknowledged.", requirements: ["HS-9", "HS-11", "HS-14", "SEC-4", "SEC-6"] },
      [...firstFlight(token(SESSION_A, NOW_S + TOKEN_TTL_S, TOKEN_KEY, OTHER_DEVICE_ID)), refusedWith(22), step("server", after)],
    ),
    exchange(
      { name: "resume-refused-token-expired", description: `A genuine token that expired at ${RESUME_S - 60}, a minute before the resume: TOKEN_EXPIRED (23), fresh session, events acknowledged.`, requirements: ["HS-9", "HS-11", "HS-14", "SEC-5"] },
      [...firstFlight(token(SESSION_A, RESUME_S - 60)), refusedWith(23), step("server", after)],
    ),
  ],
};
