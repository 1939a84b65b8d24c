import type { Message } from "@ferry/protocol";
import { describe, expect, it } from "vitest";
import { DEVICE, EPOCH, frame, harness, run } from "../support/session-harness.js";

async function opened(opts: Parameters<typeof harness>[0] = {}) {
  const h = harness(opts);
  const s = h.open();
  s.session.receive(frame.hello({ features: 0 }));
  await s.session.idle();
  s.transport.sent = [];
  return { ...h, ...s };
}

const errorOf = (m: Message | undefined) => (m?.type === "error" ? m.error : undefined);

describe("server session: custody and hostile input", () => {
  it("[ENV-5] an event run with epoch 0 is INVALID_FIELD and closes; nothing is stored", async () => {
    const { session, transport, committer } = await opened();
    session.receive(frame.events(run(1, 0n, ["a"], { epoch: 0 })));
    await session.idle();
    expect(transport.errors()).toEqual([5]);
    expect(transport.closedWith?.reason).toBe("INVALID_FIELD");
    expect(committer.submitted).toHaveLength(0);
  });

  it("[ENV-5] an accounting with epoch 0 is INVALID_FIELD", async () => {
    const { session, transport } = await opened();
    session.receive(frame.message({ type: "accounting", accounting: { stream: 1, epoch: 0, ranges: [{ first: 0n, last: 0n, reason: "expired" }] } }));
    await session.idle();
    expect(transport.closedWith?.reason).toBe("INVALID_FIELD");
  });

  it("[FLOW-8] events beyond the window are discarded unacknowledged with WINDOW_EXCEEDED naming the first; the session goes on", async () => {
    const { session, transport, committer } = await opened({ window: { events: 4, bytes: 1000 } });
    session.receive(frame.events(run(1, 10n, ["a", "b", "c", "d", "e", "f"])));
    await session.idle();
    expect(transport.types()).toEqual(["error", "ack"]);
    expect(errorOf(transport.sent[0])).toMatchObject({ code: 40, stream: { stream: 1, epoch: EPOCH, seq: 14n } });
    expect(committer.submitted[0]!.runs[0]!.payloads).toHaveLength(4);
    expect(transport.closedWith).toBeUndefined();
    // [FLOW-7] the Ack freed the window: the rest now fits.
    session.receive(frame.events(run(1, 14n, ["e", "f"])));
    await session.idle();
    expect(transport.errors()).toEqual([40]);
    expect(transport.sent.at(-1)).toMatchObject({ type: "ack" });
  });

  it("[FLOW-4] one event larger than the byte window is taken when nothing is in flight", async () => {
    const { session, transport } = await opened({ window: { events: 4, bytes: 8 } });
    session.receive(frame.events(run(1, 0n, [new Uint8Array(100)])));
    await session.idle();
    expect(transport.types()).toEqual(["ack"]);
  });

  it("[ACK-8] a held identity with another payload is SEQUENCE_CONFLICT, not fatal; the stored payload stays", async () => {
    const { session, transport, store } = await opened();
    session.receive(frame.events(run(1, 0n, ["original"])));
    await session.idle();
    session.receive(frame.events(run(1, 0n, ["forgery"])));
    await session.idle();
    expect(transport.types()).toEqual(["ack", "error", "ack"]);
    expect(errorOf(transport.sent[1])).toMatchObject({ code: 31, stream: { stream: 1, epoch: EPOCH, seq: 0n } });
    expect(transport.closedWith).toBeUndefined();
    const held = [...store.streams.values()][0]!.events.get(0n)!;
    expect(new TextDecoder().decode(held)).toBe("original");
  });

  it("[ACK-7] a duplicate is acknowledged again, without an error", async () => {
    const { session, transport } = await opened();
    session.receive(frame.events(run(1, 0n, ["a"])));
    await session.idle();
    session.receive(frame.events(run(1, 0n, ["a"])));
    await session.idle();
    expect(transport.types()).toEqual(["ack", "ack"]);
  });

  it("[VER-6] an unknown message body after the Hello is UNKNOWN_MESSAGE and the session goes on", async () => {
    const { session, transport } = await opened();
    session.receive(new Uint8Array([0x7a, 0x00])); // field 15: no body this version knows
    session.receive(frame.events(run(1, 0n, ["a"])));
    await session.idle();
    expect(transport.types()).toEqual(["error", "ack"]);
    expect(transport.errors()).toEqual([3]);
    expect(transport.closedWith).toBeUndefined();
  });

  it("[HS-1] an unknown message body before the Hello is UNEXPECTED_MESSAGE", async () => {
    const h = harness();
    const { session, transport } = h.open();
    session.receive(new Uint8Array([0x7a, 0x00]));
    await session.idle();
    expect(transport.errors()).toEqual([4]);
    expect(transport.closedWith?.reason).toBe("UNEXPECTED_MESSAGE");
  });

  it("[WS-1] a text message is MALFORMED and closes", async () => {
    const { session, transport } = await opened();
    session.receiveText();
    await session.idle();
    expect(transport.errors()).toEqual([1]);
    expect(transport.closedWith?.reason).toBe("MALFORMED");
  });

  it("[ERR-2] bytes that do not decode are MALFORMED; input after them is dropped", async () => {
    const { session, transport, committer } = await opened();
    session.receive(new Uint8Array([0xff, 0xff, 0xff]));
    session.receive(frame.events(run(1, 0n, ["a"])));
    await session.idle();
    expect(transport.types()).toEqual(["error"]);
    expect(transport.closedWith?.reason).toBe("MALFORMED");
    expect(committer.submitted).toHaveLength(0);
  });

  it("[ENV-8] a message over the server's max_message is MESSAGE_TOO_LARGE", async () => {
    const { session, transport } = await opened({ maxMessage: 64 });
    session.receive(frame.events(run(1, 0n, [new Uint8Array(100)])));
    await session.idle();
    expect(transport.errors()).toEqual([2]);
    expect(transport.closedWith?.reason).toBe("MESSAGE_TOO_LARGE");
  });

  it("[ENV-10] an Ack, Command or WakeHint sent to a server is UNEXPECTED_MESSAGE", async () => {
    for (const m of [
      { type: "ack", ack: { streams: [], scope: "hop", commandsPending: 0 } },
      { type: "command", command: { id: 1n, payload: new Uint8Array(0), ttlMs: 0 } },
      { type: "wakeHint", wakeHint: { stream: 1, seq: 0n, summary: new Uint8Array(0) } },
    ] as Message[]) {
      const { session, transport } = await opened();
      session.receive(frame.message(m));
      await session.idle();
      expect(transport.closedWith?.reason).toBe("UNEXPECTED_MESSAGE");
    }
  });

  it("[ERR-8] an Error from the peer is not answered and moves nothing", async () => {
    const { session, transport, committer } = await opened();
    session.receive(frame.message({ type: "error", error: { code: 99, detail: "whatever" } }));
    await session.idle();
    expect(transport.sent).toEqual([]);
    expect(transport.closedWith).toBeUndefined();
    expect(committer.submitted).toHaveLength(0);
  });

  it("[SEC-2] events are stored under the Hello's device only", async () => {
    const { session, committer } = await opened();
    session.receive(frame.events(run(1, 0n, ["a"])));
    await session.idle();
    expect(committer.submitted.map((r) => Buffer.from(r.deviceId).toString("hex"))).toEqual([Buffer.from(DEVICE).toString("hex")]);
  });

  it("[WS-6] fail() from the binding sends the Error, then closes with its code", async () => {
    const { session, transport } = await opened();
    session.fail("RATE_LIMITED", "flood");
    session.receive(frame.events(run(1, 0n, ["a"])));
    await session.idle();
    expect(transport.errors()).toEqual([41]);
    expect(transport.closedWith?.reason).toBe("RATE_LIMITED");
  });

  it("graceful drain acknowledges what was received before the close", async () => {
    const { session, transport } = await opened();
    session.receive(frame.events(run(1, 0n, ["a"])));
    await session.drain();
    expect(transport.types()).toEqual(["ack"]);
  });
});
