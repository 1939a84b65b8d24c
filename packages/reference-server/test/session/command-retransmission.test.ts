/**
 * Commands in flight on one connection are retransmitted on the timer of
 * [ACK-18] [CMD-14], driven by a virtual monotonic clock through the
 * session's tick.
 */
import type { Message } from "@ferry/protocol";
import { describe, expect, it } from "vitest";
import { DEVICE, frame, harness, type Harness } from "../support/session-harness.js";

const sentCommands = (sent: Message[]) => sent.flatMap((m) => (m.type === "command" ? [m.command] : []));
const ids = (sent: Message[]) => sentCommands(sent).map((c) => c.id);
const commandAck = (ids: bigint[], outcome: "received" | "executed" = "received", scope: "hop" | "end-to-end" = "hop"): Message => ({
  type: "commandAck",
  commandAck: { ids, outcome, scope },
});

async function opened(h: Harness, commands: number[], over: Parameters<typeof frame.hello>[0] = {}) {
  for (const ttlMs of commands) await h.store.enqueueCommand(DEVICE, new Uint8Array([ttlMs & 0xff]), ttlMs, h.clock.nowMs);
  const s = h.open();
  s.session.receive(frame.hello(over));
  await s.session.idle();
  return s;
}

/** Moves both clocks to monotonic `at` and lets the session's tick run. */
async function tickAt(h: Harness, s: Awaited<ReturnType<typeof opened>>, at: number) {
  h.clock.nowMs += at - h.clock.monoMs;
  h.clock.monoMs = at;
  s.session.tick(at);
  await s.session.idle();
}

describe("server session: command retransmission", () => {
  it("[CMD-14] [ACK-18] [CMD-6] a command no CommandAck names is sent again after 10 s, then 20 s later, same id, with the time left", async () => {
    const h = harness();
    const s = await opened(h, [60_000]);
    expect(sentCommands(s.transport.sent)).toEqual([expect.objectContaining({ id: 1n, ttlMs: 60_000 })]);
    await tickAt(h, s, 9_999);
    expect(ids(s.transport.sent)).toEqual([1n]);
    await tickAt(h, s, 10_000);
    expect(sentCommands(s.transport.sent).map((c) => [c.id, c.ttlMs])).toEqual([
      [1n, 60_000],
      [1n, 50_000],
    ]);
    await tickAt(h, s, 29_999);
    expect(ids(s.transport.sent)).toEqual([1n, 1n]);
    await tickAt(h, s, 30_000);
    expect(ids(s.transport.sent)).toEqual([1n, 1n, 1n]);
    expect(s.transport.closedWith).toBeUndefined();
  });

  it("[CMD-14] [CMD-7] [ACK-18] a CommandAck of the app restarts the timer at 10 s; nothing left in flight, nothing is resent", async () => {
    const h = harness();
    const s = await opened(h, [0, 0], { window: { events: 2, bytes: 1000 } });
    expect(ids(s.transport.sent)).toEqual([1n, 2n]);
    await tickAt(h, s, 10_000);
    // Everything in flight, in the order it was sent.
    expect(ids(s.transport.sent)).toEqual([1n, 2n, 1n, 2n]);
    h.clock.monoMs = 12_000;
    s.session.receive(frame.message(commandAck([1n])));
    await s.session.idle();
    await tickAt(h, s, 21_999);
    expect(ids(s.transport.sent)).toEqual([1n, 2n, 1n, 2n]);
    await tickAt(h, s, 22_000);
    expect(ids(s.transport.sent)).toEqual([1n, 2n, 1n, 2n, 2n]);
    s.session.receive(frame.message(commandAck([2n], "executed", "end-to-end")));
    await s.session.idle();
    await tickAt(h, s, 500_000);
    expect(ids(s.transport.sent)).toEqual([1n, 2n, 1n, 2n, 2n]);
    expect(s.transport.closedWith).toBeUndefined();
  });

  it("[CMD-14] [ACK-18] [CMD-11] the third expiry in a row closes with going-away (1001); the resumed session replays the command", async () => {
    const h = harness();
    const s = await opened(h, [0]);
    await tickAt(h, s, 10_000);
    await tickAt(h, s, 30_000);
    expect(s.transport.closedWith).toBeUndefined();
    await tickAt(h, s, 70_000);
    expect(s.transport.closedWith?.reason).toBe("going-away");
    expect(ids(s.transport.sent)).toEqual([1n, 1n, 1n]);
    const welcome = s.transport.sent.find((m) => m.type === "welcome");
    const resumed = h.open();
    resumed.session.receive(frame.hello({ resumeToken: welcome?.type === "welcome" ? welcome.welcome.resumeToken : new Uint8Array(0) }));
    await resumed.session.idle();
    expect(resumed.transport.sent.find((m) => m.type === "welcome")).toMatchObject({ welcome: { resumed: true } });
    expect(ids(resumed.transport.sent)).toEqual([1n]);
  });

  it("[CMD-14] [CMD-13] [CMD-6] a command settled elsewhere or expired meanwhile leaves flight and is not sent again", async () => {
    const h = harness();
    const s = await opened(h, [5_000, 0], { window: { events: 2, bytes: 1000 } });
    expect(ids(s.transport.sent)).toEqual([1n, 2n]);
    // Another app relayed the device's outcome of command 2; command 1 runs out of time.
    await h.store.settleCommands(DEVICE, [2n], "executed", "end-to-end");
    await tickAt(h, s, 10_000);
    expect(ids(s.transport.sent)).toEqual([1n, 2n]);
    // Nothing is in flight any more: no timer runs, so the connection is never given up.
    await tickAt(h, s, 500_000);
    expect(ids(s.transport.sent)).toEqual([1n, 2n]);
    expect(s.transport.closedWith).toBeUndefined();
  });
});
