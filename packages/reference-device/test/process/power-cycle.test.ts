/**
 * Power cycles of the real process: kill -9 at any moment, restart on the
 * same flash file. The counters and the unacknowledged buffer survive; a
 * wiped or torn flash costs a new epoch [LIFE-2] [LIFE-3] [ID-2].
 */
import { rmSync, statSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DeviceProcess, cleanup, tcpCentral, tempDir } from "../support/process.js";

afterEach(cleanup);

async function produce(device: DeviceProcess, lines: string[], total: number): Promise<void> {
  for (const l of lines) device.control(l);
  await device.waitFor(() => device.events("produced").length === total, `${total} produced`);
}

describe("power cycles of ferry-device", () => {
  it("[LIFE-2] [LIFE-3] [ID-5] kill -9 keeps the epoch, the counters and the unacknowledged buffer; acknowledged events stay freed", async () => {
    const flash = join(tempDir(), "device.flash");
    const first = await DeviceProcess.start(flash, ["--id", "0102030405060708"]);
    const epoch = (first.events("epoch")[0] ?? (await first.status())).epoch;
    await produce(first, ["sample", "sample", "sample", "alarm"], 4);
    // A central takes the first four and acknowledges them: the samples leave the flash, the alarm stays [ACK-14].
    const a = await tcpCentral(first.port);
    await a.central.open();
    await a.central.waitFor(() => a.central.events().length === 4, "replay");
    await a.central.ack();
    await first.waitFor(() => first.events("acknowledged").length === 2, "acknowledged");
    await produce(first, ["sample", "sample"], 6);
    await first.powerCut();

    const second = await DeviceProcess.start(flash);
    expect(second.events("epoch")).toEqual([]);
    const status = await second.status();
    expect(status).toMatchObject({ epoch, deviceId: "0102030405060708", buffered: 3 });
    expect((status.streams as Array<{ stream: number; nextSeq: string; buffered: number }>).map((s) => [s.stream, s.nextSeq, s.buffered])).toEqual([
      [1, "1", 1],
      [2, "0", 0],
      [3, "5", 2],
    ]);
    // The same app reconnects with its custody: only what it lacks comes.
    const b = await tcpCentral(second.port);
    b.central.inbox = a.central.inbox;
    await b.central.open();
    await b.central.waitFor(() => b.central.events().length === 2, "the unacknowledged samples");
    expect(b.central.events().map((e) => [e.stream, e.seq])).toEqual([[3, 3n], [3, 4n]]);
    // A new phone, with no custody, also gets the alarm the first phone only hop-acknowledged.
    b.socket.destroy();
    await second.waitFor(() => second.events("disconnected").length === 1, "disconnected");
    const c = await tcpCentral(second.port);
    await c.central.open();
    await c.central.waitFor(() => c.central.events().length === 3, "alarm and samples");
    expect(c.central.events().map((e) => [e.stream, e.seq])).toEqual([[1, 0n], [3, 3n], [3, 4n]]);
    // Numbering goes on where it stopped: no sequence number twice.
    await produce(second, ["sample"], 1);
    expect(second.events("produced")[0]).toMatchObject({ stream: 3, seq: "5", epoch });
  });

  it("[LIFE-3] a kill -9 right after events were produced loses none of them", async () => {
    const flash = join(tempDir(), "device.flash");
    const first = await DeviceProcess.start(flash, ["--sample-ms", "5"]);
    await first.waitFor(() => first.events("produced").length >= 20, "20 samples");
    await first.powerCut();
    const produced = first.events("produced").length;
    const second = await DeviceProcess.start(flash);
    const status = await second.status();
    const samples = (status.streams as Array<{ stream: number; nextSeq: string; buffered: number }>).find((s) => s.stream === 3)!;
    // Every event observed as produced was durable; at most the one in progress when the power went is beyond them.
    expect(Number(samples.nextSeq)).toBeGreaterThanOrEqual(produced);
    expect(samples.buffered).toBe(Number(samples.nextSeq));
  });

  it("[ID-2] a wiped flash gives a new epoch and streams restart at 0", async () => {
    const flash = join(tempDir(), "device.flash");
    const first = await DeviceProcess.start(flash);
    const epoch = first.events("epoch")[0]!.epoch;
    await produce(first, ["sample", "sample"], 2);
    await first.powerCut();
    rmSync(flash);
    const second = await DeviceProcess.start(flash);
    await second.waitFor(() => second.events("epoch").length === 1, "epoch line");
    expect(second.events("epoch")[0]).toMatchObject({ cause: "blank" });
    expect(second.events("epoch")[0]!.epoch).not.toBe(epoch);
    await produce(second, ["sample"], 1);
    expect(second.events("produced")[0]).toMatchObject({ stream: 3, seq: "0" });
  });

  it("[ID-2] a torn flash file is detected corruption: new epoch", async () => {
    const flash = join(tempDir(), "device.flash");
    const first = await DeviceProcess.start(flash);
    const epoch = first.events("epoch")[0]!.epoch;
    await produce(first, ["sample", "alarm"], 2);
    await first.powerCut();
    truncateSync(flash, statSync(flash).size - 5);
    const second = await DeviceProcess.start(flash);
    await second.waitFor(() => second.events("epoch").length === 1, "epoch line");
    expect(second.events("epoch")[0]).toMatchObject({ cause: "corrupt" });
    expect(second.events("epoch")[0]!.epoch).not.toBe(epoch);
  });
});

describe("overflow in the real process", () => {
  it("[PRIO-10] [PRIO-11] with a fixed capacity drops by policy and reports the dropped ranges", async () => {
    const flash = join(tempDir(), "device.flash");
    const device = await DeviceProcess.start(flash, ["--capacity", "3"]);
    await produce(device, ["alarm", "sample", "sample", "sample", "sample", "alarm"], 6);
    await device.waitFor(() => device.events("dropped").length === 3, "three drops");
    // Samples 0 and 1 made room for samples 2 and 3 ... then sample 2 for the alarm.
    expect(device.events("dropped").map((d) => [d.stream, d.ranges, d.reason])).toEqual([
      [3, [{ first: "0", last: "0" }], "overflow"],
      [3, [{ first: "1", last: "1" }], "overflow"],
      [3, [{ first: "2", last: "2" }], "overflow"],
    ]);
    const { central } = await tcpCentral(device.port);
    await central.open();
    await central.waitFor(() => central.events().length === 3, "replay");
    expect(central.uplink.find((m) => m.type === "accounting")).toEqual({ type: "accounting", accounting: { stream: 3, epoch: 0, ranges: [{ first: 0n, last: 2n, reason: "overflow" }] } });
    expect(central.events().map((e) => [e.stream, e.seq])).toEqual([[1, 0n], [1, 1n], [3, 3n]]);
    expect(await device.status()).toMatchObject({ buffered: 3, capacity: 3, counters: { dropped: 3 } });
  });
});
