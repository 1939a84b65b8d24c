/**
 * A real `ferry-server` with its default timer: a client that drops the
 * first delivery of a command gets it again on the same connection after
 * the 10 s of [ACK-18] on WebSocket [CMD-14], and a deduplicating device
 * carries it out once [CMD-9]. The wait is the spec's timeout; the test's
 * own limit is only a deadlock guard.
 */
import type { Command, Message } from "@ferry/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { DedupDevice } from "../support/dedup-device.js";
import { helloMessage, RawClient } from "../support/ws-client.js";
import { commandOutcome, enqueueCommand, hexOf, startServer, tempDir, TOKEN, waitFor } from "./harness.js";

const DEVICE = new Uint8Array([0x5e, 0x4d]);
const isCommand = (m: Message): m is Extract<Message, { type: "command" }> => m.type === "command";

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe("command retransmission by a real ferry-server", () => {
  it("[CMD-14] [ACK-18] [CMD-9] resends a command whose first delivery the client dropped, after the WebSocket timeout; it runs once", async () => {
    const server = await startServer({ db: `${tempDir(cleanup)}/ferry.db` });
    cleanup.push(() => server.kill("SIGKILL"));
    const client = await RawClient.connect(server.url);
    cleanup.push(() => client.close());
    client.send(helloMessage(DEVICE, TOKEN, { features: 2 }));
    await client.welcome();
    const id = await enqueueCommand(server.base, hexOf(DEVICE), new TextEncoder().encode("silence"));
    const first = await client.next(isCommand);
    const dropped: Command = first.command;
    const again = (await client.next(isCommand, client.messages.indexOf(first) + 1, 30_000)).command;
    expect(again.id).toBe(dropped.id);
    expect(again.payload).toEqual(dropped.payload);
    const device = new DedupDevice();
    client.send({ type: "commandAck", commandAck: device.take(again) });
    await waitFor("the command's outcome", async () => (await commandOutcome(server.base, hexOf(DEVICE), id)).outcome === "executed");
    expect(device.executed).toEqual([id]);
  }, 60_000);
});
