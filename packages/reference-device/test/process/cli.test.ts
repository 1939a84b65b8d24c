/**
 * `ferry-device` as a user runs it: help and usage errors, the stdio
 * transport, and the TCP transport with a central that speaks the whole
 * GATT session.
 */
import { afterEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import { encodeVglMessage } from "@ferry/protocol/vgl";
import { parseCommandLine } from "../../src/cli.js";
import { DeviceProcess, cleanup, runCommand, tcpCentral, tempDir } from "../support/process.js";

afterEach(cleanup);

describe("ferry-device command", () => {
  it("--help documents every option", async () => {
    const { code, stdout } = await runCommand(["--help"]);
    expect(code).toBe(0);
    for (const option of ["--flash", "--stdio", "--tcp", "--host", "--id", "--name", "--capacity", "--mtu", "--max-message", "--window-events", "--window-bytes", "--sample-ms", "--audio-ms", "--audio-ttl-ms", "--alarm-ms"]) {
      expect(stdout.toString()).toContain(option);
    }
  });

  it("exits 2 with a message on bad usage", async () => {
    const { code, stderr } = await runCommand(["--tcp", "0"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--flash FILE is required/);
  });

  it.each([
    [["--flash", "f"], /exactly one of --stdio and --tcp/],
    [["--flash", "f", "--stdio", "--tcp", "0"], /exactly one/],
    [["--flash", "f", "--tcp", "0", "--mtu", "600"], /--mtu/],
    [["--flash", "f", "--tcp", "0", "--id", "xyz"], /--id/],
    [["--flash", "f", "--tcp", "0", "--capacity", "0"], /--capacity/],
    [["--flash", "f", "--tcp", "0", "--bogus"], /Unknown option/],
  ])("refuses %j", (args, message) => {
    expect(() => parseCommandLine(args)).toThrow(message);
  });

  it("[VGL-10] over stdio writes only frames to stdout and exits 0 when stdin closes", async () => {
    const dir = tempDir();
    const input = new Uint8Array([
      ...encodeVglMessage({ channel: "linkControl", control: { type: "connect", vglVersion: 1 } }),
      ...encodeVglMessage({ channel: "att", pdu: { type: "exchangeMtuRequest", clientRxMtu: 517 } }),
    ]);
    const { code, stdout, stderr } = await runCommand(["--stdio", "--flash", join(dir, "flash"), "--name", "pendant", "--mtu", "185"], input);
    expect(code).toBe(0);
    expect(Buffer.from(stdout).toString("hex")).toBe(
      Buffer.from([
        ...encodeVglMessage({ channel: "linkControl", control: { type: "connected", vglVersion: 1, name: "pendant" } }),
        ...encodeVglMessage({ channel: "att", pdu: { type: "exchangeMtuResponse", serverRxMtu: 185 } }),
      ]).toString("hex"),
    );
    expect(stderr).toMatch(/"event":"connected"/);
  });

  it("[VGL-11] [VGL-12] [DHS-2] [DHS-4] serves a central over loopback TCP: MTU, discovery, Info, subscriptions, Hello, replay, Ack", async () => {
    const dir = tempDir();
    const device = await DeviceProcess.start(join(dir, "flash"), ["--id", "d00d0001", "--name", "pendant", "--window-events", "4", "--window-bytes", "1024"]);
    for (const line of ["sample", "sample", "alarm", "audio 2"]) device.control(line);
    await device.waitFor(() => device.events("produced").length === 5, "5 produced lines");
    expect(device.events("produced")[0]).toMatchObject({ event: "produced", stream: 3, seq: "0", epoch: expect.any(Number) });

    const { central } = await tcpCentral(device.port);
    expect(await central.connect()).toBe("pendant");
    await central.open({ mtu: 517 });
    expect(central.mtu).toBe(247);
    expect(central.handles).toEqual({ service: { start: 1, end: 11 }, info: 3, control: 5, controlCccd: 6, uplink: 8, uplinkCccd: 9, downlink: 11 });
    expect(Buffer.from(central.info!.deviceId).toString("hex")).toBe("d00d0001");
    expect(central.info!.streams.map((s) => [s.stream, s.name, s.priority])).toEqual([[1, "alarm", "critical"], [2, "audio", "realtime"], [3, "samples", "bulk"]]);
    const welcome = central.control.find((m) => m.type === "welcome");
    expect(welcome?.type === "welcome" && welcome.welcome.window).toEqual({ events: 4, bytes: 1024 });
    await central.waitFor(() => central.events().length === 5, "replay");
    expect(central.events().map((e) => [e.stream, e.seq])).toEqual([[1, 0n], [2, 0n], [2, 1n], [3, 0n], [3, 1n]]);
    await central.ack();
    await device.waitFor(() => device.events("acknowledged").length >= 3, "acknowledged lines");
    const status = await device.status();
    expect(status).toMatchObject({ connected: true, session: true, mtu: 247, buffered: 1, counters: { produced: 5, acknowledged: 4 } });
  });

  it("[VGL-4] takes a new CONNECT on the same stream after a DISCONNECT, and refuses a second concurrent central", async () => {
    const dir = tempDir();
    const device = await DeviceProcess.start(join(dir, "flash"));
    const { central, socket } = await tcpCentral(device.port);
    await central.connect();
    await central.exchangeMtu(100);
    const second = await tcpCentral(device.port);
    await new Promise<void>((resolve) => second.socket.once("close", () => resolve()));
    expect(device.stderr).toMatch(/refusing a second central/);
    central.disconnect();
    await device.waitFor(() => device.events("disconnected").length === 1, "disconnected line");
    expect(await central.connect()).toBe("ferry-device");
    expect(await central.exchangeMtu(100)).toBe(100);
    socket.destroy();
    await device.waitFor(() => device.events("disconnected").length === 2, "the closed stream counts as a disconnection");
    expect(device.events("disconnected")[1]).toMatchObject({ reason: 8, by: "link" });
  });
});
