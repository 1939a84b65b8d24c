import type { Batch, Message } from "@ferry/protocol";
import { describe, expect, it } from "vitest";
import { DeviceKeys } from "../../src/device-keys.js";
import { processBatch } from "../../src/session/batch.js";
import { DEVICE, EPOCH, frame, harness, hello, run } from "../support/session-harness.js";
import { DEVICE_PUBLIC_KEY, forged, registered, signed } from "./signing.js";

type Options = Parameters<typeof harness>[0] & { keys?: DeviceKeys | undefined };

async function opened(opts: Options = { keys: registered() }) {
  const h = harness(opts);
  h.context.deviceKeys = opts.keys;
  const s = h.open();
  s.session.receive(frame.hello({ features: 0 }));
  await s.session.idle();
  s.transport.sent = [];
  return { ...h, ...s };
}

const errorsOf = (sent: Message[]) => sent.flatMap((m) => (m.type === "error" ? [m.error] : []));
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));
const heldSeqs = (store: Awaited<ReturnType<typeof opened>>["store"]) => [...[...store.streams.values()][0]!.events.keys()];

describe("server session: device signatures", () => {
  it("[SEC-8] [SEC-11] events whose signatures verify are stored with them, acknowledged, and raise no error", async () => {
    const { session, transport, committer } = await opened();
    const r = signed(run(1, 0n, ["a", "b", "c"]));
    session.receive(frame.events(r));
    await session.idle();
    expect(transport.types()).toEqual(["ack"]);
    const req = committer.submitted[0]!;
    expect(req.accountings).toEqual([]);
    expect(req.rejected).toEqual([]);
    expect(req.runs).toHaveLength(1);
    expect(req.runs[0]!.signatures).toEqual(r.signatures);
  });

  it("[SEC-11] a forged event is accounted REJECTED, never stored; SIGNATURE_INVALID names it and the session goes on", async () => {
    const { session, transport, committer, store } = await opened();
    session.receive(frame.events(forged(signed(run(1, 10n, ["a", "b", "c", "d"])), 1)));
    await session.idle();
    expect(transport.types()).toEqual(["error", "ack"]);
    expect(errorsOf(transport.sent)).toEqual([expect.objectContaining({ code: 24, stream: { stream: 1, epoch: EPOCH, seq: 11n } })]);
    const req = committer.submitted[0]!;
    expect(req.runs.map((r) => [r.firstSeq, r.payloads.map(text)])).toEqual([
      [10n, ["a"]],
      [12n, ["c", "d"]],
    ]);
    expect(req.runs.every((r) => r.signatures.length === r.payloads.length)).toBe(true);
    expect(req.rejected).toEqual([{ stream: 1, epoch: EPOCH, ranges: [{ first: 11n, last: 11n, reason: "rejected" }] }]);
    expect(heldSeqs(store)).toEqual([10n, 12n, 13n]);
    // [ACK-3] the Ack covers the rejected event too, so the app frees it.
    const ack = transport.sent[1]!;
    expect(ack.type === "ack" && ack.ack.streams[0]!.accounted).toEqual([{ first: 11n, last: 11n, reason: "rejected" }]);
    expect(transport.closedWith).toBeUndefined();
    session.receive(frame.events(signed(run(1, 14n, ["e"]))));
    await session.idle();
    expect(transport.types()).toEqual(["error", "ack", "ack"]);
  });

  it("[SEC-11] with a registered key, stripped signatures count as bad ones: the whole run is rejected", async () => {
    const { session, transport, committer } = await opened();
    session.receive(frame.events(run(1, 0n, ["a", "b", "c"])));
    await session.idle();
    expect(errorsOf(transport.sent)).toEqual([expect.objectContaining({ code: 24, stream: { stream: 1, epoch: EPOCH, seq: 0n } })]);
    expect(committer.submitted[0]!.runs).toEqual([]);
    expect(committer.submitted[0]!.rejected![0]!.ranges).toEqual([{ first: 0n, last: 2n, reason: "rejected" }]);
    const ack = transport.sent.at(-1)!;
    expect(ack.type === "ack" && ack.ack.streams[0]!.nextSeq).toBe(3n);
  });

  it("[SEC-11] [ERR-1] one SIGNATURE_INVALID per run, naming its first bad event; each bad stretch is its own range", async () => {
    const { session, transport, committer } = await opened();
    const first = forged(forged(signed(run(1, 0n, ["a", "b", "c", "d", "e"])), 1), 3);
    const second = forged(signed(run(2, 7n, ["x", "y"])), 1);
    session.receive(frame.events(first));
    session.receive(frame.events(second));
    await session.idle();
    expect(transport.types()).toEqual(["error", "error", "ack"]);
    expect(errorsOf(transport.sent).map((e) => e.stream)).toEqual([
      { stream: 1, epoch: EPOCH, seq: 1n },
      { stream: 2, epoch: EPOCH, seq: 8n },
    ]);
    expect(committer.submitted[0]!.rejected).toEqual([
      { stream: 1, epoch: EPOCH, ranges: [{ first: 1n, last: 1n, reason: "rejected" }, { first: 3n, last: 3n, reason: "rejected" }] },
      { stream: 2, epoch: EPOCH, ranges: [{ first: 8n, last: 8n, reason: "rejected" }] },
    ]);
    expect(committer.submitted[0]!.runs.map((r) => [r.stream, r.firstSeq, r.payloads.length])).toEqual([
      [1, 0n, 1],
      [1, 2n, 1],
      [1, 4n, 1],
      [2, 7n, 1],
    ]);
  });

  it("[SEC-8] a signature over another epoch (the BLE leg's 0 included) or another device id does not verify", async () => {
    const { session, transport, committer } = await opened();
    session.receive(frame.events(signed(run(1, 0n, ["a"]), { epoch: 0 })));
    session.receive(frame.events(signed(run(2, 0n, ["a"]), { epoch: EPOCH + 1 })));
    session.receive(frame.events(signed(run(3, 0n, ["a"]), { deviceId: new Uint8Array([0x0a, 0x0b, 0x0c]) })));
    await session.idle();
    expect(errorsOf(transport.sent).map((e) => e.code)).toEqual([24, 24, 24]);
    expect(committer.submitted[0]!.runs).toEqual([]);
  });

  it("[SEC-9] only the registered key counts: events signed with any other key are rejected", async () => {
    const { session, transport, committer } = await opened();
    session.receive(frame.events(signed(run(1, 0n, ["a", "b"]), { stranger: true })));
    await session.idle();
    expect(errorsOf(transport.sent).map((e) => e.code)).toEqual([24]);
    expect(committer.submitted[0]!.rejected![0]!.ranges).toEqual([{ first: 0n, last: 1n, reason: "rejected" }]);
  });

  it("[SEC-11] a forged copy of a held event is refused by its signature and the stored original stays", async () => {
    const { session, transport, store } = await opened();
    session.receive(frame.events(signed(run(1, 0n, ["original"]))));
    await session.idle();
    session.receive(frame.events(forged(signed(run(1, 0n, ["original"])), 0)));
    await session.idle();
    expect(transport.types()).toEqual(["ack", "error", "ack"]);
    expect(errorsOf(transport.sent)[0]!.code).toBe(24);
    expect(text([...store.streams.values()][0]!.events.get(0n))).toBe("original");
  });

  it("[FLOW-7] rejected events were taken into the window and are released by the Ack", async () => {
    const { session, transport } = await opened({ window: { events: 3, bytes: 1000 }, keys: registered() });
    session.receive(frame.events(run(1, 0n, ["a", "b", "c"])));
    await session.idle();
    session.receive(frame.events(signed(run(1, 3n, ["d", "e", "f"]))));
    await session.idle();
    expect(errorsOf(transport.sent).map((e) => e.code)).toEqual([24]);
    expect(transport.types()).toEqual(["error", "ack", "ack"]);
  });

  it("[SEC-9] a device without a registered key is not verified: unsigned and wrongly signed events are stored as today", async () => {
    const other = new DeviceKeys([["eeee", DEVICE_PUBLIC_KEY]]);
    for (const keys of [other, undefined]) {
      const { session, transport, committer } = await opened({ keys });
      const bogus = { ...run(1, 0n, ["a"]), signatures: [new Uint8Array(64).fill(9)] };
      session.receive(frame.events(run(2, 0n, ["x"])));
      session.receive(frame.events(bogus));
      await session.idle();
      expect(transport.types()).toEqual(["ack"]);
      expect(committer.submitted[0]!.accountings).toEqual([]);
      expect(committer.submitted[0]!.runs.map((r) => r.signatures)).toEqual([[], bogus.signatures]);
    }
  });

  it("[SEC-11] [HTTP-10] a batch answers 200: the bad events accounted REJECTED in its Ack, the good ones stored", async () => {
    const h = harness();
    const batch: Batch = {
      hello: hello({ features: 8 }),
      messages: [{ type: "events", events: forged(signed(run(1, 5n, ["a", "b", "c"])), 2) }],
    };
    const ctx = { ...h.context, deviceKeys: registered() };
    const ack = await processBatch(batch, ctx);
    expect(ack.streams).toEqual([{ stream: 1, epoch: EPOCH, nextSeq: 0n, received: [{ first: 5n, last: 6n }], accounted: [{ first: 7n, last: 7n, reason: "rejected" }] }]);
    expect(h.committer.submitted[0]!.runs.map((r) => [r.firstSeq, r.payloads.map(text)])).toEqual([[5n, ["a", "b"]]]);
    expect([...[...h.store.streams.values()][0]!.events.keys()]).toEqual([5n, 6n]);
    expect(h.store.requests[0]!.deviceId).toEqual(DEVICE);
  });
});
