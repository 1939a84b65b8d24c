import type { Message } from "@ferry/protocol";
import { describe, expect, it } from "vitest";
import { FIRST_FLIGHT_GRACE_MS } from "../../src/session/session.js";
import { DEVICE, EPOCH, frame, harness, run } from "../support/session-harness.js";

const commandIds = (sent: Message[]) => sent.flatMap((m) => (m.type === "command" ? [m.command.id] : []));
const welcome = (sent: Message[]) => sent.find((m) => m.type === "welcome") as Extract<Message, { type: "welcome" }>;
const commandAck = (ids: bigint[], outcome: "received" | "executed" = "received", scope: "hop" | "end-to-end" = "hop"): Message => ({
  type: "commandAck",
  commandAck: { ids, outcome, scope },
});

async function queue(h: ReturnType<typeof harness>, n: number, ttlMs = 0) {
  for (let i = 0; i < n; i++) await h.store.enqueueCommand(DEVICE, new Uint8Array([i]), ttlMs, h.clock.nowMs);
}

describe("server session: commands", () => {
  it("[CMD-11] replays queued commands in id order after the Welcome", async () => {
    const h = harness();
    await queue(h, 3);
    const { session, transport } = h.open();
    session.receive(frame.hello());
    await session.idle();
    expect(transport.types()).toEqual(["welcome", "command", "command", "command"]);
    expect(commandIds(transport.sent)).toEqual([1n, 2n, 3n]);
  });

  it("[HS-12] with pending streams announced, replay waits for the first flight's Ack even when it arrives in a later read", async () => {
    const h = harness();
    await queue(h, 1);
    const { session, transport } = h.open();
    session.receive(frame.hello({ pending: [{ stream: 1, epoch: EPOCH }] }));
    await session.idle();
    expect(transport.types()).toEqual(["welcome"]);
    session.receive(frame.events(run(1, 0n, ["a"])));
    await session.idle();
    expect(transport.types()).toEqual(["welcome", "ack", "command"]);
  });

  it("[HS-12] with pending streams but no first flight, replay goes ahead after the grace", async () => {
    const h = harness();
    await queue(h, 1);
    const { session, transport } = h.open();
    session.receive(frame.hello({ pending: [{ stream: 1, epoch: EPOCH }] }));
    await session.idle();
    session.tick(FIRST_FLIGHT_GRACE_MS - 1);
    await session.idle();
    expect(transport.types()).toEqual(["welcome"]);
    session.tick(FIRST_FLIGHT_GRACE_MS);
    await session.idle();
    expect(transport.types()).toEqual(["welcome", "command"]);
  });

  it("[CMD-1] sends no command when FEATURE_COMMANDS is not in effect", async () => {
    const h = harness();
    await queue(h, 1);
    const { session, transport } = h.open();
    session.receive(frame.hello({ features: 0 }));
    await session.idle();
    expect(welcome(transport.sent).welcome.features & 2).toBe(0);
    expect(transport.types()).toEqual(["welcome"]);
  });

  it("[CMD-11] pushes a command queued while the session is open", async () => {
    const h = harness();
    const { session, transport } = h.open();
    session.receive(frame.hello());
    await session.idle();
    await queue(h, 1);
    h.registry.commandsQueued(DEVICE);
    await session.idle();
    expect(commandIds(transport.sent)).toEqual([1n]);
  });

  it("[FLOW-9] keeps commands in flight within the app's window; a CommandAck lets the next one go", async () => {
    const h = harness();
    await queue(h, 3);
    const { session, transport } = h.open();
    session.receive(frame.hello({ window: { events: 1, bytes: 1000 } }));
    await session.idle();
    expect(commandIds(transport.sent)).toEqual([1n]);
    session.receive(frame.message(commandAck([1n])));
    await session.idle();
    expect(commandIds(transport.sent)).toEqual([1n, 2n]);
  });

  it("[CMD-13] a settled command is not sent again; [CMD-11] a resumed session skips what it acknowledged RECEIVED", async () => {
    const h = harness();
    await queue(h, 2);
    const first = h.open();
    first.session.receive(frame.hello());
    await first.session.idle();
    first.session.receive(frame.message(commandAck([1n], "executed", "end-to-end")));
    first.session.receive(frame.message(commandAck([2n], "received", "hop")));
    await first.session.idle();
    expect(await h.store.commandOutcome(DEVICE, 1n)).toEqual({ outcome: "executed", scope: "end-to-end" });

    const resumed = h.open();
    resumed.session.receive(frame.hello({ resumeToken: welcome(first.transport.sent).welcome.resumeToken }));
    await resumed.session.idle();
    expect(welcome(resumed.transport.sent).welcome.resumed).toBe(true);
    expect(commandIds(resumed.transport.sent)).toEqual([]);

    // A fresh session replays what is not settled: command 2 is only RECEIVED by an app.
    const fresh = h.open();
    fresh.session.receive(frame.hello());
    await fresh.session.idle();
    expect(commandIds(fresh.transport.sent)).toEqual([2n]);
  });

  it("[CMD-6] sends the time left of a command's TTL and never an expired command", async () => {
    const h = harness();
    await queue(h, 1, 60_000);
    await queue(h, 1, 1_000);
    h.clock.nowMs += 10_000;
    const { session, transport } = h.open();
    session.receive(frame.hello());
    await session.idle();
    const commands = transport.sent.flatMap((m) => (m.type === "command" ? [m.command] : []));
    expect(commands.map((c) => [c.id, c.ttlMs])).toEqual([[1n, 50_000]]);
  });
});
