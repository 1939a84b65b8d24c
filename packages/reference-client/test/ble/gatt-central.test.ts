/**
 * The GATT client against the scripted peripheral: discovery order (10.4),
 * MTU edge cases, Read Blob, fragmentation both ways, setup refusals, and
 * ATT-level faults.
 */
import { afterEach, describe, expect, it } from "vitest";
import { encodeDeviceInfo, encodeMessage, fragmentCount, fragmentSize } from "@ferry/protocol";
import { FrameDecoder, type AttPdu } from "@ferry/protocol/vgl";
import { CentralSession, type DeviceSession, type SessionEvent } from "../../src/ble/index.js";
import { DEMO_INFO, rig, settle, type Rig } from "./harness.js";

const requests = (r: Rig): AttPdu[] =>
  r.device.fromCentral.flatMap((m) => (m.channel === "att" && m.pdu.type !== "handleValueConfirmation" && m.pdu.type !== "writeCommand" ? [m.pdu] : []));

let open: DeviceSession[] = [];
afterEach(() => {
  for (const s of open) s.close();
  open = [];
});

async function connected(r: Rig, mtu?: number): Promise<DeviceSession> {
  const s = r.session(mtu === undefined ? {} : { config: { mtu } });
  open.push(s);
  s.start();
  await settle();
  return s;
}

describe("GATT client setup", () => {
  it("[DHS-2] [VGL-6] [VGL-7] [VGL-9] [GATT-4] [GATT-6] discovers in the order of 10.4 at MTU 23, repeating Read By Type and reading Info with Read Blob", async () => {
    const r = rig({ mtu: 517 });
    const s = await connected(r, 23);
    expect(s.state).toBe("open");
    const seen = requests(r);
    const infoLength = encodeDeviceInfo(DEMO_INFO).length;
    expect(infoLength).toBeGreaterThan(44);
    const setup = seen.slice(0, 15).map((p) => p.type);
    expect(setup).toEqual([
      "exchangeMtuRequest",
      "readByGroupTypeRequest",
      "readByGroupTypeRequest",
      // one declaration fits a response at MTU 23: four, then Attribute Not Found
      ...Array(5).fill("readByTypeRequest"),
      "findInformationRequest",
      "findInformationRequest",
      "readRequest",
      "readBlobRequest",
      "readBlobRequest",
      "writeRequest",
      "writeRequest",
    ]);
    expect(seen[0]).toEqual({ type: "exchangeMtuRequest", clientRxMtu: 23 });
    expect(seen[2]).toMatchObject({ startHandle: 0x0c, endHandle: 0xffff });
    expect(seen.slice(3, 8).map((p) => (p as { startHandle: number }).startHandle)).toEqual([0x01, 0x03, 0x05, 0x08, 0x0b]);
    expect(seen.slice(8, 10)).toEqual([
      { type: "findInformationRequest", startHandle: 0x06, endHandle: 0x06 },
      { type: "findInformationRequest", startHandle: 0x09, endHandle: 0x09 },
    ]);
    expect(seen.slice(11, 13)).toEqual([
      { type: "readBlobRequest", handle: 0x03, offset: 22 },
      { type: "readBlobRequest", handle: 0x03, offset: 44 },
    ]);
    const write = (p: AttPdu | undefined) => p?.type === "writeRequest" && { handle: p.handle, value: [...p.value] };
    expect(write(seen[13])).toEqual({ handle: 0x06, value: [2, 0] });
    expect(write(seen[14])).toEqual({ handle: 0x09, value: [1, 0] });
    // Then the Hello, and nothing Ferry before it [DHS-1].
    expect(r.device.messages[0]?.message.type).toBe("hello");
  });

  it("[VGL-9] [GATT-1] finds the handles wherever they are and reads past other services", async () => {
    const r = rig({ handleBase: 0x20, extraService: true });
    const s = await connected(r);
    expect(s.state).toBe("open");
    const groups = requests(r).filter((p) => p.type === "readByGroupTypeRequest");
    expect(groups.map((p) => (p as { startHandle: number }).startHandle)).toEqual([0x01, 0x2b, 0x2e]);
    expect(r.device.messages[0]).toMatchObject({ on: "control", message: { type: "hello" } });
  });

  it.each([
    [517, 247, 247],
    [517, 517, 517],
    [23, 517, 23],
    [517, 23, 23],
    [185, 247, 185],
  ])("[GATT-10] [GATT-11] [FRAG-2] [FRAG-6] offer %i against %i gives MTU %i; fragments fit and fill F", async (offer, answer, mtu) => {
    const r = rig({ mtu: answer });
    const established: number[] = [];
    const s = r.session({ config: { mtu: offer }, on: { established: (e) => established.push(e.mtu) } });
    open.push(s);
    s.start();
    await settle();
    expect(established).toEqual([mtu]);
    const f = fragmentSize(mtu);
    // The app's writes: every fragment within F, every one but an SDU's last filled to F.
    const writes = requests(r).filter((p): p is Extract<AttPdu, { type: "writeRequest" }> => p.type === "writeRequest" && p.handle === r.device.h.control);
    for (const w of writes) expect(w.value.length).toBeLessThanOrEqual(f);
    const hello = writes.filter((w) => w.value.length > 0);
    for (const w of hello.slice(0, -1)) expect(w.value.length).toBe(f);

    // A 3000-byte event crosses many notifications and comes out whole [FRAG-1].
    const payload = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);
    r.device.produce(2, payload);
    await settle();
    const run = { stream: 2, firstSeq: 0n, priority: "bulk" as const, ttlMs: 0, epoch: DEMO_INFO.epoch, payloads: [payload], signatures: [] };
    const sdu = encodeMessage({ type: "events", events: run }).length;
    expect(r.device.notified.length).toBe(fragmentCount(sdu, mtu));
    expect(r.device.notified.slice(0, -1).every((v) => v.length === f)).toBe(true);
    expect(r.sink.events.get(`2/${DEMO_INFO.epoch}`)?.get(0n)).toEqual(payload);
  });

  it("[VGL-13] reassembles frames however the byte stream splits them", async () => {
    const r = rig({ splitSeed: Number(process.env.FERRY_SEED ?? 20261122) });
    const s = await connected(r, 23);
    expect(s.state).toBe("open");
    for (let i = 0; i < 5; i++) r.device.produce(2, Uint8Array.from({ length: 100 + i }, () => i));
    await settle();
    expect(r.sink.seqs(2, DEMO_INFO.epoch)).toEqual([0n, 1n, 2n, 3n, 4n]);
  });
});

describe("GATT client refusals", () => {
  const run = async (info: typeof DEMO_INFO) => {
    const r = rig({ info });
    const failures: string[] = [];
    const s = r.session({ on: { linkFailed: (reason) => failures.push(reason), error: (e) => failures.push(e.errorName) } });
    s.start();
    await settle();
    const end = await s.closed;
    return { r, failures, end };
  };

  it("[DHS-2] [ID-2] disconnects without a Hello on an Info with epoch 0", async () => {
    const { r, failures, end } = await run({ ...DEMO_INFO, epoch: 0 });
    expect(failures.join(" ")).toMatch(/Info does not decode|epoch 0/);
    expect(end).toMatchObject({ aborted: false, reason: 0x16, initiator: "local" });
    expect(r.device.messages).toEqual([]);
  });

  it("[DHS-2] [ID-3] disconnects without a Hello on a device id longer than 16 bytes", async () => {
    const { r, end } = await run({ ...DEMO_INFO, deviceId: new Uint8Array(17).fill(1) });
    expect(end.reason).toBe(0x16);
    expect(r.device.messages).toEqual([]);
  });

  it("[VER-2] [DHS-2] disconnects without a Hello when no major is in common", async () => {
    const { r, failures, end } = await run({ ...DEMO_INFO, majors: [7] });
    expect(failures).toContain("VERSION_UNSUPPORTED");
    expect(end.reason).toBe(0x16);
    expect(r.device.messages).toEqual([]);
  });
});

describe("GATT client link faults (sans-IO)", () => {
  const frame = (s: string) => new FrameDecoder().push(Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"))).frames[0]!;
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
  const drain = (s: CentralSession) => {
    const out: SessionEvent[] = [];
    for (let e = s.pollEvent(); e; e = s.pollEvent()) out.push(e);
    return out;
  };

  it("[VGL-7] [VGL-4] ends the connection with DISCONNECT 0x16 when a request stays unanswered 30 s", () => {
    const s = new CentralSession(() => []);
    s.connect(0);
    expect(s.pollTransmit().map(hex)).toEqual(["0300000101"]);
    s.handleFrame(frame("0d 00 00 02 01 66 65 72 72 79 2d 64 65 6d 6f"), 10);
    expect(s.pollTransmit().map(hex)).toEqual(["040004020502"]);
    expect(s.pollTimeout()).toBe(30_010);
    s.handleTimeout(30_009);
    expect(s.pollTransmit()).toEqual([]);
    s.handleTimeout(30_010);
    expect(s.pollTransmit().map(hex)).toEqual(["0300000316"]);
    expect(drain(s).map((e) => e.type)).toEqual(["linkFailed", "disconnected"]);
  });

  it("[VGL-3] [VGL-5] answers a request from the peripheral with Request Not Supported and a response nobody asked for with DISCONNECT", () => {
    const s = new CentralSession(() => []);
    s.connect(0);
    s.handleFrame(frame("0d 00 00 02 01 66 65 72 72 79 2d 64 65 6d 6f"), 1);
    s.pollTransmit();
    s.handleFrame(frame("04 00 04 0a 03 00"), 2); // a Read Request from the device
    expect(s.pollTransmit().map(hex)).toEqual(["060004010a0000" + "06"]);
    s.handleFrame(frame("04 00 04 03 f7 00"), 3); // the MTU response
    s.pollTransmit();
    s.handleFrame(frame("04 00 04 03 f7 00"), 4); // again, with nothing outstanding
    expect(s.pollTransmit().map(hex)).toEqual(["0300000316"]);
    expect(drain(s).map((e) => e.type)).toEqual(["linkFailed", "disconnected"]);
  });

  it("[VGL-4] a DISCONNECT from the peripheral ends the connection; frames after it are ignored", () => {
    const s = new CentralSession(() => []);
    s.connect(0);
    s.handleFrame(frame("0d 00 00 02 01 66 65 72 72 79 2d 64 65 6d 6f"), 1);
    s.pollTransmit();
    s.handleFrame(frame("03 00 00 03 13"), 2);
    s.handleFrame(frame("04 00 04 03 f7 00"), 3);
    expect(s.pollTransmit()).toEqual([]);
    expect(drain(s)).toEqual([{ type: "disconnected", reason: 0x13, initiator: "remote", truncated: [] }]);
    expect(s.state).toBe("closed");
  });
});
