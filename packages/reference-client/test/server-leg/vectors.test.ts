/**
 * The app side of spec/vectors handshake.json and resume.json, byte for
 * byte: the session, given an outbox holding the vector's events and the
 * vector's Hello parameters, must send exactly the vector's app steps, and
 * must read the server steps as the vector describes.
 */
import { decodeMessage, encodeMessage, type Hello, type Message } from "@ferry/protocol";
import { fromHex, loadVectors, toHex, type ExchangeVector } from "@ferry/protocol/vectors";
import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { MemoryOutbox } from "../../src/server-leg/memory-outbox.js";
import { LegSession } from "../../src/server-leg/session.js";

const DIR = fileURLToPath(new URL("../../../../spec/vectors", import.meta.url));
const exchanges = loadVectors(DIR)
  .filter((f) => f.file === "handshake.json" || f.file === "resume.json")
  .flatMap((f) => f.vectors)
  .filter((v): v is ExchangeVector => v.kind === "exchange" && v.leg === "app-server");

const decode = (hex: string): Message => decodeMessage(fromHex(hex));

/** Vectors whose app steps a conforming app of this implementation cannot send, and why. */
const NOT_APPLICABLE: Record<string, string> = {
  "app-server-version-unsupported": "offers only major 2: this client speaks 1",
  "app-server-hello-without-device-id": "the client refuses to open a session without a device id [HS-3]",
  "app-server-hello-role-unspecified": "the client always says ROLE_APP [HS-2]",
  "app-server-check-order": "offers major 2 and no device",
  "app-server-events-before-hello": "the client always starts with a Hello [HS-1]",
};

function outboxFor(hello: Hello, runs: Message[]): MemoryOutbox {
  const o = new MemoryOutbox();
  // Streams in the order of Hello.pending, so pending() lists them the same way [HS-4].
  for (const key of hello.pending) {
    for (const m of runs) {
      if (m.type !== "events" || m.events.stream !== key.stream || m.events.epoch !== key.epoch) continue;
      m.events.payloads.forEach((p, i) => o.add(key, m.events.priority, m.events.firstSeq + BigInt(i), p));
    }
  }
  return o;
}

describe("server-leg session against the app-server exchange vectors", () => {
  it("covers every app-server exchange vector, or says why not", () => {
    expect(exchanges.length).toBeGreaterThanOrEqual(13);
    for (const name of Object.keys(NOT_APPLICABLE)) expect(exchanges.map((v) => v.name)).toContain(name);
  });

  for (const v of exchanges.filter((v) => !(v.name in NOT_APPLICABLE))) {
    it(`[HS-10] [${v.requirements.join("] [")}] ${v.name}`, () => {
      const appSteps = v.steps.filter((s) => s.from === "app");
      const first = decode(appSteps[0]!.hex);
      if (first.type !== "hello") throw new Error(`${v.name}: first app step is ${first.type}`);
      const hello = first.hello;
      const outbox = outboxFor(hello, appSteps.slice(1).map((s) => decode(s.hex)));
      const held = outbox.size;
      const session = new LegSession(outbox, {
        deviceId: hello.deviceId,
        credential: hello.credential,
        resumeToken: hello.resumeToken,
        ...(hello.window && { window: hello.window }),
        maxMessage: hello.maxMessage,
        wakeBudgetMs: hello.wakeBudgetMs,
        features: hello.features,
      });
      // The app's whole first flight, byte for byte, before any answer.
      expect(session.start(0).map((m) => toHex(encodeMessage(m)))).toEqual(appSteps.map((s) => s.hex));

      for (const step of v.steps.filter((s) => s.from === "server")) {
        const msg = decode(step.hex);
        const out = session.handleMessage(msg, 1);
        if (msg.type === "welcome") {
          expect(out.established).toMatchObject({ resumed: msg.welcome.resumed, resumeRefused: msg.welcome.resumeRefused, resumeToken: msg.welcome.resumeToken });
          // [ACK-16] everything uncovered went in the first flight: nothing more to send.
          expect(session.pollTransmit(1)).toEqual([]);
        } else if (msg.type === "ack") {
          // [ACK-2] the first flight's Ack frees it all.
          expect(outbox.isEmpty).toBe(true);
        } else if (msg.type === "command") {
          expect(out.commands).toEqual([msg.command]);
          expect(session.commandAck({ ids: [msg.command.id], outcome: "received", scope: "hop" }).type).toBe("commandAck");
        } else if (msg.type === "error") {
          // [HS-13] a refused Hello: the first flight is kept, the error is ours to fix (longest backoff).
          expect(out.failed).toMatchObject({ origin: "received", error: { code: msg.error.code, fault: "local" } });
          expect(outbox.size).toBe(held);
        } else {
          throw new Error(`${v.name}: unexpected server step ${msg.type}`);
        }
      }
    });
  }
});
