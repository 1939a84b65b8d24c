/**
 * Device signatures end to end through the real SQLite store and group
 * committer (no process, no socket): what the vendor application reads in
 * the delivery log after a session and a batch carried forged events.
 */
import type { Batch } from "@ferry/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { processBatch } from "../../src/session/batch.js";
import { ServerSession } from "../../src/session/session.js";
import { GroupCommitter, SqliteStore } from "../../src/store/index.js";
import { allDeliveries, show, tempDir } from "../store/helpers.js";
import { DEVICE, EPOCH, FakeTransport, frame, harness, hello, run } from "../support/session-harness.js";
import { forged, registered, signed } from "./signing.js";

describe("device signatures with the SQLite store", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: SqliteStore;

  beforeEach(() => {
    dir = tempDir();
    store = SqliteStore.open(dir.file());
  });

  afterEach(async () => {
    await store.close();
    dir.cleanup();
  });

  const context = () => ({ ...harness().context, store, committer: new GroupCommitter(store), deviceKeys: registered() });

  it("[SEC-11] a session's forged event is accounted REJECTED in the delivery log, never delivered; its neighbours are", async () => {
    const transport = new FakeTransport();
    const session = new ServerSession(context(), transport, "test");
    session.receive(frame.hello({ features: 0 }));
    session.receive(frame.events(forged(signed(run(1, 0n, ["a", "b", "c"])), 1)));
    await session.idle();
    expect(transport.types()).toEqual(["welcome", "error", "ack"]);
    const log = await allDeliveries(store);
    expect(log.map(show)).toEqual([`e1@${EPOCH}:0`, `a1@${EPOCH}:1-1:rejected`, `e1@${EPOCH}:2`]);
    const payloads = log.flatMap((d) => (d.kind === "event" ? [new TextDecoder().decode(d.payload)] : []));
    expect(payloads).toEqual(["a", "c"]);
    expect(await store.accounted(DEVICE, { stream: 1, epoch: EPOCH })).toEqual([{ first: 1n, last: 1n, reason: "rejected" }]);
    // Sent again with a valid signature, the identity stays accounted: a duplicate, never delivered [ACK-7].
    session.receive(frame.events(signed(run(1, 1n, ["b"]))));
    await session.idle();
    expect(transport.types()).toEqual(["welcome", "error", "ack", "ack"]);
    expect((await allDeliveries(store)).length).toBe(3);
  });

  it("[SEC-11] [HTTP-10] a batch with stripped signatures stores nothing deliverable and answers an Ack covering them", async () => {
    const batch: Batch = { hello: hello({ features: 8 }), messages: [{ type: "events", events: run(2, 0n, ["x", "y"]) }] };
    const ack = await processBatch(batch, context());
    expect(ack.streams.map((s) => [s.stream, s.nextSeq])).toEqual([[2, 2n]]);
    expect((await allDeliveries(store)).map(show)).toEqual([`a2@${EPOCH}:0-1:rejected`]);
  });
});
