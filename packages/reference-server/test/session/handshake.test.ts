import { mintResumeToken, type Message } from "@ferry/protocol";
import { describe, expect, it } from "vitest";
import { DEVICE, EPOCH, frame, harness, hello, key, KEY, OTHER_DEVICE, run } from "../support/session-harness.js";

const welcomeOf = (sent: Message[]) => {
  const m = sent.find((x) => x.type === "welcome");
  if (!m || m.type !== "welcome") throw new Error("no Welcome");
  return m.welcome;
};

describe("server session: handshake and first flight", () => {
  it("[HS-6] [HS-12] [HS-11] answers Welcome, then the first flight's Ack, then replayed commands", async () => {
    const h = harness();
    await h.store.enqueueCommand(DEVICE, new Uint8Array([1]), 0, h.clock.nowMs);
    const { session, transport } = h.open();
    session.receive(frame.hello({ pending: [key(1)] }));
    session.receive(frame.events(run(1, 0n, ["a", "b"])));
    await session.idle();
    expect(transport.types()).toEqual(["welcome", "ack", "command"]);
    const ack = transport.sent[1]!;
    expect(ack.type === "ack" && ack.ack.streams).toEqual([{ stream: 1, epoch: EPOCH, nextSeq: 2n, received: [], accounted: [] }]);
    expect(ack.type === "ack" && ack.ack.scope).toBe("hop");
    expect(transport.closedWith).toBeUndefined();
  });

  it("[ACK-2] sends no Ack before the commit that stores the events resolved", async () => {
    const h = harness();
    h.committer.hold();
    const { session, transport } = h.open();
    session.receive(frame.hello());
    session.receive(frame.events(run(1, 0n, ["a"])));
    await new Promise((r) => setTimeout(r, 5));
    expect(transport.types()).toEqual(["welcome"]);
    expect(h.committer.submitted).toHaveLength(1);
    h.committer.release();
    await session.idle();
    expect(transport.types()).toEqual(["welcome", "ack"]);
  });

  it("[ACK-2] a failed commit acknowledges nothing: INTERNAL, then close", async () => {
    const h = harness();
    h.store.failIngest = true;
    const { session, transport } = h.open();
    session.receive(frame.hello());
    session.receive(frame.events(run(1, 0n, ["a"])));
    await session.idle();
    expect(transport.types()).toEqual(["welcome", "error"]);
    expect(transport.errors()).toEqual([70]);
    expect(transport.closedWith?.reason).toBe("INTERNAL");
  });

  it("[HS-10] groups the messages of one socket read into one ingest request and one Ack", async () => {
    const h = harness();
    const { session, transport } = h.open();
    session.receive(frame.hello());
    session.receive(frame.events(run(7, 12n, ["alarm"], { priority: "critical" })));
    session.receive(frame.events(run(1, 0n, ["x", "y"])));
    session.receive(frame.message({ type: "accounting", accounting: { stream: 2, epoch: EPOCH, ranges: [{ first: 0n, last: 3n, reason: "expired" }] } }));
    await session.idle();
    expect(h.committer.submitted).toHaveLength(1);
    expect(transport.types()).toEqual(["welcome", "ack"]);
    const ack = transport.sent[1]!;
    expect(ack.type === "ack" && ack.ack.streams.map((s) => [s.stream, s.nextSeq])).toEqual([
      [7, 0n],
      [1, 2n],
      [2, 4n],
    ]);
  });

  it("[HS-4] Welcome.custody holds one StreamAck per pending stream, in order, 0 for unseen streams", async () => {
    const h = harness();
    await h.store.ingest([{ deviceId: DEVICE, runs: [run(3, 0n, ["a", "b", "c"])], accountings: [], nowMs: 0 }]);
    const { session, transport } = h.open();
    session.receive(frame.hello({ pending: [key(9), key(3), key(9)] }));
    await session.idle();
    expect(welcomeOf(transport.sent).custody.map((c) => [c.stream, c.nextSeq])).toEqual([
      [9, 0n],
      [3, 3n],
    ]);
  });

  it("[HS-7] [HS-8] [SEC-4] a token from a Welcome resumes the same session on the next connection", async () => {
    const h = harness();
    const first = h.open();
    first.session.receive(frame.hello());
    await first.session.idle();
    const w1 = welcomeOf(first.transport.sent);
    expect(w1.resumed).toBe(false);
    expect(w1.sessionId.length).toBeGreaterThanOrEqual(8);
    const second = h.open();
    second.session.receive(frame.hello({ resumeToken: w1.resumeToken }));
    await second.session.idle();
    const w2 = welcomeOf(second.transport.sent);
    expect(w2).toMatchObject({ resumed: true, resumeRefused: 0 });
    expect(w2.sessionId).toEqual(w1.sessionId);
  });

  it("[HS-9] [SEC-6] a forged token is TOKEN_INVALID: fresh session, first flight accepted", async () => {
    const h = harness();
    const { session, transport } = h.open();
    const forged = mintResumeToken({ key: new Uint8Array(32).fill(9), sessionId: new Uint8Array(16), deviceId: DEVICE, expiresAtS: 4_000_000_000 });
    session.receive(frame.hello({ resumeToken: forged }));
    session.receive(frame.events(run(1, 0n, ["a"])));
    await session.idle();
    expect(welcomeOf(transport.sent)).toMatchObject({ resumed: false, resumeRefused: 22 });
    expect(transport.types()).toEqual(["welcome", "ack"]);
  });

  it("[HS-9] [SEC-5] an expired token is TOKEN_EXPIRED: fresh session, first flight accepted", async () => {
    const h = harness();
    const { session, transport } = h.open();
    const expired = mintResumeToken({ key: KEY, sessionId: new Uint8Array(16).fill(3), deviceId: DEVICE, expiresAtS: h.clock.nowMs / 1000 - 1 });
    session.receive(frame.hello({ resumeToken: expired }));
    session.receive(frame.events(run(1, 0n, ["a"])));
    await session.idle();
    expect(welcomeOf(transport.sent)).toMatchObject({ resumed: false, resumeRefused: 23 });
    expect(transport.types()).toEqual(["welcome", "ack"]);
  });

  it("[HS-13] [SEC-1] a bad credential is AUTH_FAILED; the first flight is discarded unacknowledged", async () => {
    const h = harness();
    const { session, transport } = h.open();
    session.receive(frame.hello({ credential: new TextEncoder().encode("wrong") }));
    session.receive(frame.events(run(1, 0n, ["a"])));
    await session.idle();
    expect(transport.errors()).toEqual([20]);
    expect(transport.closedWith?.reason).toBe("AUTH_FAILED");
    expect(h.committer.submitted).toHaveLength(0);
  });

  it("[HS-3] [SEC-2] a device the credential does not cover is DEVICE_NOT_ALLOWED", async () => {
    const h = harness();
    const { session, transport } = h.open();
    session.receive(frame.hello({ deviceId: OTHER_DEVICE, pending: [key(1)] }));
    session.receive(frame.events(run(1, 0n, ["a"])));
    await session.idle();
    expect(transport.errors()).toEqual([21]);
    expect(transport.closedWith?.reason).toBe("DEVICE_NOT_ALLOWED");
    expect(h.committer.submitted).toHaveLength(0);
  });

  it("[HS-13] [VER-2] no major in common is VERSION_UNSUPPORTED, checked before the credential", async () => {
    const h = harness();
    const { session, transport } = h.open();
    session.receive(frame.hello({ majors: [2], credential: new Uint8Array(0) }));
    await session.idle();
    expect(transport.errors()).toEqual([10]);
    expect(transport.closedWith?.reason).toBe("VERSION_UNSUPPORTED");
  });

  it("[HS-1] events before Hello are UNEXPECTED_MESSAGE and nothing is stored", async () => {
    const h = harness();
    const { session, transport } = h.open();
    session.receive(frame.events(run(1, 0n, ["a"])));
    session.receive(frame.hello());
    await session.idle();
    expect(transport.types()).toEqual(["error"]);
    expect(transport.errors()).toEqual([4]);
    expect(transport.closedWith?.reason).toBe("UNEXPECTED_MESSAGE");
    expect(h.committer.submitted).toHaveLength(0);
  });

  it("[HS-1] a second Hello is UNEXPECTED_MESSAGE", async () => {
    const h = harness();
    const { session, transport } = h.open();
    session.receive(frame.hello());
    session.receive(frame.hello());
    await session.idle();
    expect(transport.types()).toEqual(["welcome", "error"]);
    expect(transport.closedWith?.reason).toBe("UNEXPECTED_MESSAGE");
  });

  it("[HS-15] closes a connection whose Hello has not arrived in time", async () => {
    const h = harness();
    const { session, transport } = h.open();
    session.tick(9_999);
    expect(transport.closedWith).toBeUndefined();
    session.tick(10_000);
    expect(transport.closedWith?.reason).toBe("normal");
    expect(transport.sent).toEqual([]);
  });

  it("[HS-4] a store failure while reading custody for the Hello is INTERNAL", async () => {
    const h = harness();
    h.store.failCustody = true;
    const { session, transport } = h.open();
    session.receive(frame.hello({ pending: [key(1)] }));
    await session.idle();
    expect(transport.errors()).toEqual([70]);
    expect(transport.closedWith?.reason).toBe("INTERNAL");
  });
});
