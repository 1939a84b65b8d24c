/**
 * A whole device session in process, against the test central: replay
 * from the app's custody, window pacing, critical custody end to end,
 * commands, and the handshake's refusals.
 */
import { describe, expect, it } from "vitest";
import type { Message } from "@ferry/protocol";
import { decodeImage } from "../../src/index.js";
import { inProcess, ofKind, settle, testConfig } from "../support/harness.js";
import { TestCentral } from "../support/central.js";

const errors = (m: Message[]) => m.flatMap((x) => (x.type === "error" ? [x.error.code] : []));

describe("device session", () => {
  it("[DHS-4] [DHS-3] [ACK-16] replays exactly what the app's custody lacks after a reconnect", async () => {
    const h = inProcess();
    for (let i = 0; i < 5; i++) h.produce(3);
    await h.central.open();
    await h.central.waitFor(() => h.central.events().length === 5, "first replay");
    await h.central.ack();
    h.central.disconnect();
    await settle();
    for (let i = 0; i < 3; i++) h.produce(3);
    await h.central.open();
    await h.central.waitFor(() => h.central.events().length === 8, "second replay");
    expect(h.central.events().map((e) => e.seq)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n]);
    // Disconnected before acknowledging: everything unacknowledged comes again [ACK-1].
    h.central.disconnect();
    await settle();
    await h.central.open();
    await h.central.waitFor(() => h.central.events().length === 11, "third replay");
    expect(h.central.events().slice(8).map((e) => e.seq)).toEqual([5n, 6n, 7n]);
  });

  it("[PRIO-3] replays critical events first, and [ENV-4] sends the current epoch as 0", async () => {
    const h = inProcess();
    h.produce(3);
    h.produce(3);
    h.produce(1);
    await h.central.open();
    await h.central.waitFor(() => h.central.events().length === 3, "replay");
    expect(h.central.events().map((e) => [e.stream, e.seq, e.epoch])).toEqual([[1, 0n, 0], [3, 0n, 0], [3, 1n, 0]]);
  });

  it("[FLOW-1] [FLOW-3] paces uplink by the window the app grants, refreshed by its Acks", async () => {
    const h = inProcess();
    for (let i = 0; i < 10; i++) h.produce(3);
    await h.central.open({ window: { events: 3, bytes: 32_768 } });
    await h.central.waitFor(() => h.central.events().length === 3, "a window's worth");
    await settle();
    expect(h.central.events()).toHaveLength(3);
    await h.central.ack();
    await h.central.waitFor(() => h.central.events().length === 6, "the next window");
    await h.central.ack({ events: 100, bytes: 32_768 });
    await h.central.waitFor(() => h.central.events().length === 10, "the rest under a larger window");
    expect(h.central.events().map((e) => e.seq)).toEqual([...Array(10).keys()].map(BigInt));
  });

  it("[FLOW-1] counts payload bytes in the window; [FLOW-4] one large event may go alone", async () => {
    const h = inProcess();
    for (let i = 0; i < 4; i++) h.produce(3, new Uint8Array(100));
    await h.central.open({ window: { events: 10, bytes: 250 } });
    await h.central.waitFor(() => h.central.events().length === 2, "two 100-byte events");
    await settle();
    expect(h.central.events()).toHaveLength(2);
    await h.central.ack({ events: 10, bytes: 50 });
    await h.central.waitFor(() => h.central.events().length === 3, "one event larger than the window");
    await settle();
    expect(h.central.events()).toHaveLength(3);
  });

  it("[FLOW-5] a zero window stops the device until a later Ack grants one", async () => {
    const h = inProcess();
    h.produce(3);
    await h.central.open();
    await h.central.waitFor(() => h.central.events().length === 1, "first event");
    await h.central.ack({ events: 0, bytes: 0 });
    h.produce(3);
    await settle();
    expect(h.central.events()).toHaveLength(1);
    await h.central.ack({ events: 8, bytes: 4096 });
    await h.central.waitFor(() => h.central.events().length === 2, "after the grant");
  });

  it("[ACK-14] [DHS-5] keeps a critical event on hop Acks, replays it to a new app, and frees it on an END_TO_END Ack", async () => {
    const h = inProcess();
    h.produce(1);
    h.produce(3);
    await h.central.open();
    await h.central.waitFor(() => h.central.events().length === 2, "replay");
    await h.central.ack();
    expect(h.link.device.status()).toMatchObject({ buffered: 1 });
    expect(ofKind(h.observations, "acknowledged").find((o) => o.stream === 1)).toMatchObject({ scope: "hop", kept: [{ first: 0n, last: 0n }], freed: [] });
    // The same app reconnects: its custody covers the alarm, which is not sent again.
    h.central.disconnect();
    await h.central.open();
    await settle();
    expect(h.central.events()).toHaveLength(2);
    // Another phone, with no custody, gets the alarm again: the first phone's hop Ack freed nothing.
    h.central.disconnect();
    await settle();
    const other = new TestCentral((b) => queueMicrotask(() => h.link.handleBytes(b, h.clock.now)));
    // The device's frames now reach the other phone.
    h.central.feed = (b) => other.feed(b);
    const epoch = h.link.device.epoch;
    await other.open();
    await other.waitFor(() => other.events().length === 1, "the alarm for a new phone");
    expect(other.events()[0]).toMatchObject({ stream: 1, seq: 0n });
    await other.writeControl({ type: "ack", ack: { streams: [{ stream: 1, epoch, nextSeq: 1n, received: [], accounted: [] }], scope: "end-to-end", commandsPending: 0 } });
    expect(h.link.device.status().buffered).toBe(0);
    const image = decodeImage(h.flash.read()!);
    expect(image.ok && image.state.streams.every((s) => s.state.events.length === 0)).toBe(true);
  });

  it("[CMD-8] [CMD-9] executes a command once, acknowledges it end to end, and answers a duplicate with the recorded outcome", async () => {
    const h = inProcess();
    await h.central.open();
    h.central.writeDownlink({ type: "command", command: { id: 41n, payload: new Uint8Array([1, 2]), ttlMs: 60_000 } });
    await h.central.waitFor(() => h.central.control.some((m) => m.type === "commandAck"), "CommandAck");
    expect(h.central.control.find((m) => m.type === "commandAck")).toEqual({ type: "commandAck", commandAck: { ids: [41n], outcome: "executed", scope: "end-to-end" } });
    // Durable before acknowledged [CMD-7].
    const image = decodeImage(h.flash.read()!);
    expect(image.ok && image.state.commands.highestId).toBe(41n);
    h.central.writeDownlink({ type: "command", command: { id: 41n, payload: new Uint8Array([1, 2]), ttlMs: 60_000 } });
    await h.central.waitFor(() => h.central.control.filter((m) => m.type === "commandAck").length === 2, "duplicate's CommandAck");
    expect(ofKind(h.observations, "command").map((o) => [o.id, o.outcome, o.duplicate])).toEqual([[41n, "executed", false], [41n, "executed", true]]);
  });

  it("[CMD-1] refuses a Command when the app did not take FEATURE_COMMANDS", async () => {
    const h = inProcess();
    await h.central.open({ features: 0 });
    h.central.writeDownlink({ type: "command", command: { id: 1n, payload: new Uint8Array(0), ttlMs: 0 } });
    await h.central.waitFor(() => errors(h.central.control).length === 1, "Error");
    expect(errors(h.central.control)).toEqual([4]);
    expect(ofKind(h.observations, "command")).toEqual([]);
  });

  it("[DHS-6] [ID-2] on a custody past its counters: SEQUENCE_REGRESSION, a new epoch with the buffer renumbered, then disconnects", async () => {
    const h = inProcess();
    for (let i = 0; i < 3; i++) h.produce(3);
    const old = h.link.device.epoch;
    await h.central.connect();
    await h.central.exchangeMtu();
    await h.central.discover();
    await h.central.readInfo();
    await h.central.subscribe();
    const hello: Message = {
      type: "hello",
      hello: {
        majors: [1], minor: 0, role: "app", deviceId: new Uint8Array(0), features: 2, credential: new Uint8Array(0), resumeToken: new Uint8Array(0),
        custody: [{ stream: 3, epoch: old, nextSeq: 10n, received: [], accounted: [] }], maxMessage: 16_383, wakeBudgetMs: 0, pending: [],
      },
    };
    await h.central.writeControl(hello);
    await h.central.waitFor(() => !h.central.connected, "disconnection");
    expect(h.central.control).toEqual([{ type: "error", error: expect.objectContaining({ code: 30, stream: { stream: 3, epoch: old, seq: 3n } }) }]);
    expect(h.central.disconnectReason).toBe(0x16);
    const now = h.link.device.epoch;
    expect(now).not.toBe(old);
    expect(ofKind(h.observations, "epoch").at(-1)).toMatchObject({ epoch: now, previous: old, cause: "regression" });
    expect(h.link.device.status().streams[2]).toMatchObject({ nextSeq: 3n, buffered: 3 });
    const image = decodeImage(h.flash.read()!);
    expect(image.ok && [image.state.epoch, image.state.previousEpoch]).toEqual([now, old]);
  });

  it("[DHS-8] answers a message before the Hello with UNEXPECTED_MESSAGE and still takes a Hello after it", async () => {
    const h = inProcess();
    h.produce(3);
    await h.central.connect();
    await h.central.exchangeMtu();
    await h.central.discover();
    await h.central.readInfo();
    await h.central.subscribe();
    await h.central.writeControl({ type: "ack", ack: { streams: [], scope: "hop", commandsPending: 0 } });
    await h.central.waitFor(() => errors(h.central.control).length === 1, "Error");
    expect(errors(h.central.control)).toEqual([4]);
    expect(h.central.events()).toEqual([]);
    await h.central.open();
    await h.central.waitFor(() => h.central.events().length === 1, "replay after the Hello");
  });

  it("[GATT-5] sends nothing on uplink until the app enables notifications, then replays", async () => {
    const h = inProcess();
    h.produce(3);
    await h.central.connect();
    await h.central.exchangeMtu();
    await h.central.discover();
    const info = await h.central.readInfo();
    await h.central.subscribe(0x0002, 0x0000);
    const { CentralHandshake } = await import("@ferry/protocol");
    const hs = new CentralHandshake({ majors: [1], minor: 0, features: 2, window: { events: 8, bytes: 4096 }, maxMessage: 16_383, wakeBudgetMs: 0 });
    const start = hs.start(info, [], 0);
    if (start.kind !== "hello") throw new Error("refused");
    await h.central.writeControl(start.send[0]!);
    await h.central.waitFor(() => h.central.control.length === 1, "Welcome");
    await settle();
    expect(h.central.uplink).toEqual([]);
    await h.central.subscribe(0x0002, 0x0001);
    await h.central.waitFor(() => h.central.uplink.length === 1, "replay once notifications are on");
  });

  it("[FRAG-8] [ERR-1] reports a lost fragment on control with an Error and keeps the connection", async () => {
    const h = inProcess();
    await h.central.open();
    // A first fragment with counter 5 where 1 is expected.
    const r = await h.central.request({ type: "writeRequest", handle: h.central.handles!.control, value: new Uint8Array([0x85, 0x02, 0x22, 0x00]) });
    expect(r.type).toBe("writeResponse");
    await h.central.waitFor(() => errors(h.central.control).length === 1, "Error");
    expect(errors(h.central.control)).toEqual([50]);
    expect(h.central.connected).toBe(true);
  });

  it("[DHS-9] a second Hello on an open session starts a new session with a new Welcome and a full replay", async () => {
    const h = inProcess();
    h.produce(3);
    await h.central.open();
    await h.central.waitFor(() => h.central.events().length === 1, "replay");
    const { CentralHandshake } = await import("@ferry/protocol");
    const hs = new CentralHandshake({ majors: [1], minor: 0, features: 2, window: { events: 8, bytes: 4096 }, maxMessage: 16_383, wakeBudgetMs: 0 });
    const start = hs.start(h.central.info!, [], 0);
    if (start.kind !== "hello") throw new Error("refused");
    await h.central.writeControl(start.send[0]!);
    await h.central.waitFor(() => h.central.events().length === 2, "a second replay");
    expect(h.central.control.filter((m) => m.type === "welcome")).toHaveLength(2);
  });

  it("[VGL-7] keeps one indication outstanding until its confirmation", async () => {
    const h = inProcess();
    await h.central.open();
    h.central.autoConfirm = false;
    for (let id = 1n; id <= 2n; id++) h.central.writeDownlink({ type: "command", command: { id, payload: new Uint8Array(0), ttlMs: 0 } });
    await h.central.waitFor(() => h.central.control.length === 2, "first CommandAck");
    await settle();
    expect(h.central.control).toHaveLength(2);
    h.central.confirm();
    await h.central.waitFor(() => h.central.control.length === 3, "second CommandAck after the confirmation");
  });

  it("[ERR-8] takes an Error from the app as information only", async () => {
    const h = inProcess();
    h.produce(3);
    await h.central.open();
    await h.central.waitFor(() => h.central.events().length === 1, "replay");
    await h.central.writeControl({ type: "error", error: { code: 70, detail: "app storage failed" } });
    await settle();
    expect(errors(h.central.control)).toEqual([]);
    expect(h.link.device.status().buffered).toBe(1);
    expect(ofKind(h.observations, "error")).toEqual([{ event: "error", direction: "received", code: 70, detail: "app storage failed" }]);
  });

  it("[DHS-10] disconnects when no Hello came within 30 s of the connection", async () => {
    const h = inProcess();
    await h.central.connect();
    await h.advance(29_999);
    expect(h.central.connected).toBe(true);
    expect(h.link.pollAt()).toBe(30_000);
    await h.advance(1);
    expect(h.central.connected).toBe(false);
    expect(h.central.disconnectReason).toBe(0x16);
  });

  it("[PRIO-6] [PRIO-7] accounts realtime events that expired while no app was connected, and sends the rest with their remaining TTL", async () => {
    const h = inProcess(testConfig({ streams: [{ stream: 2, name: "audio", priority: "realtime", ttlMs: 2000 }] }));
    h.produce(2);
    await h.advance(1500);
    h.produce(2);
    await h.advance(600);
    expect(ofKind(h.observations, "expired")).toEqual([{ event: "expired", stream: 2, epoch: h.link.device.epoch, ranges: [{ first: 0n, last: 0n }] }]);
    await h.central.open();
    await h.central.waitFor(() => h.central.uplink.length === 2, "accounting and run");
    expect(h.central.uplink[0]).toEqual({ type: "accounting", accounting: { stream: 2, epoch: 0, ranges: [{ first: 0n, last: 0n, reason: "expired" }] } });
    expect(h.central.uplink[1]).toMatchObject({ type: "events", events: { stream: 2, firstSeq: 1n, priority: "realtime", ttlMs: 1400 } });
  });
});

