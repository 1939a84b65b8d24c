/**
 * The example session of 10.6, byte for byte: the central's frames must be
 * exactly the spec's, given the peripheral's frames of the example.
 */
import { describe, expect, it } from "vitest";
import { decodeMessage } from "@ferry/protocol";
import { FrameDecoder, type Frame } from "@ferry/protocol/vgl";
import { CentralSession, type SessionEvent } from "../../src/ble/index.js";

const bytes = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const frame = (s: string): Frame => {
  const { frames } = new FrameDecoder().push(bytes(s));
  expect(frames).toHaveLength(1);
  return frames[0]!;
};

const EPOCH = 0x2f6a91c3;
const UUID = (n: string) => `46 32 66 b5 99 aa 60 ad e7 4b 36 91 ${n} 00 6b 8b`;

/** [P→C frame, the C→P frames that must follow it]. */
const EXCHANGE: Array<[string, string[]]> = [
  ["0d 00 00 02 01 66 65 72 72 79 2d 64 65 6d 6f", ["04 00 04 02 05 02"]],
  ["04 00 04 03 f7 00", ["08 00 04 10 01 00 ff ff 00 28"]],
  [`17 00 04 11 14 01 00 0b 00 ${UUID("01")}`, ["08 00 04 10 0c 00 ff ff 00 28"]],
  ["06 00 04 01 10 0c 00 0a", ["08 00 04 08 01 00 0b 00 03 28"]],
  [
    `57 00 04 09 15 02 00 02 03 00 ${UUID("02")} 04 00 28 05 00 ${UUID("03")} 07 00 10 08 00 ${UUID("04")} 0a 00 04 0b 00 ${UUID("05")}`,
    ["08 00 04 08 0b 00 0b 00 03 28"],
  ],
  ["06 00 04 01 08 0b 00 0a", ["06 00 04 04 06 00 06 00"]],
  ["07 00 04 05 01 06 00 02 29", ["06 00 04 04 09 00 09 00"]],
  ["07 00 04 05 01 09 00 02 29", ["04 00 04 0a 03 00"]],
  [
    `34 00 04 0b 0a 01 01 18 02 22 04 d0 0d 00 01 28 c3 a3 aa fb 02 30 80 20
     3a 0b 08 01 10 02 22 05 61 6c 61 72 6d 3a 0f 08 02 22 0b 74 65 6d 70 65 72 61 74 75 72 65`,
    ["06 00 04 12 06 00 02 00"],
  ],
  ["02 00 04 13", ["06 00 04 12 09 00 01 00"]],
  [
    "02 00 04 13",
    [
      `31 00 04 12 05 00 80 2b 0a 29 0a 01 01 18 02 28 02 42 0a 08 01 10 c3 a3 aa fb 02 18 07
       42 0a 08 02 10 c3 a3 aa fb 02 18 78 4a 05 08 20 10 80 40 50 ff 7f`,
    ],
  ],
  ["02 00 04 13", []],
  ["13 00 04 1d 05 00 80 0d 12 0b 08 01 18 02 52 05 08 04 10 80 08", ["02 00 04 1e"]],
  // The replay: stored first, acknowledged after (below).
  ["15 00 04 1b 08 00 80 0f 1a 0d 08 01 10 07 18 02 32 05 73 6d 6f 6b 65", []],
];

function example() {
  const custody = [
    { stream: 1, epoch: EPOCH, nextSeq: 7n, received: [], accounted: [] },
    { stream: 2, epoch: EPOCH, nextSeq: 120n, received: [], accounted: [] },
  ];
  const session = new CentralSession(() => custody, { window: { events: 32, bytes: 8192 }, features: 2 });
  const events: SessionEvent[] = [];
  const drainEvents = () => {
    for (let e = session.pollEvent(); e; e = session.pollEvent()) events.push(e);
  };
  return { session, events, drainEvents };
}

describe("10.6 example session", () => {
  it("[VGL-3] [VGL-6] [VGL-9] [DHS-1] [DHS-2] [DHS-3] [GATT-4] [FRAG-3] writes exactly the central's frames of the example", () => {
    const { session, events, drainEvents } = example();
    session.connect(0);
    expect(session.pollTransmit().map(hex)).toEqual(["0300000101"]);
    let now = 0;
    for (const [fromDevice, expected] of EXCHANGE) {
      session.handleFrame(frame(fromDevice), ++now);
      expect(session.pollTransmit().map(hex), fromDevice).toEqual(expected.map((s) => hex(bytes(s))));
    }
    drainEvents();
    expect(events.map((e) => e.type)).toEqual(["established"]);
    const established = events[0] as Extract<SessionEvent, { type: "established" }>;
    expect(established).toMatchObject({ deviceId: "d00d0001", name: "ferry-demo", mtu: 247 });
    expect(established.outcome).toMatchObject({ major: 1, features: 2, window: { events: 4, bytes: 1024 } });
  });

  it("[ACK-2] [LIFE-4] [LIFE-8] [ENV-4] acknowledges event 7 on control (counter 1) only once the sink made it durable", () => {
    const { session, events, drainEvents } = example();
    session.connect(0);
    EXCHANGE.forEach(([f], i) => session.handleFrame(frame(f), i + 1));
    session.pollTransmit();
    const store = session.pollStore()!;
    expect(store).toMatchObject({ deviceId: "d00d0001", accountings: [] });
    expect(store.runs).toEqual([
      { stream: 1, firstSeq: 7n, priority: "critical", ttlMs: 0, epoch: EPOCH, payloads: [bytes("736d6f6b65")], signatures: [] },
    ]);
    session.handleTimeout(1000);
    expect(session.pollTransmit()).toEqual([]); // nothing before durability, however long
    drainEvents();
    expect(events.some((e) => e.type === "critical")).toBe(false);

    session.handleStored(store.batch, 1001);
    const [ack] = session.pollTransmit();
    // Write Request on control, first fragment with counter 1, Ack{stream 1 (current epoch as 0), next_seq 8}.
    expect(hex(ack!)).toBe("0e0004120500" + "8108" + "22060a0408011808");
    expect(decodeMessage(bytes("22060a0408011808"))).toEqual({
      type: "ack",
      ack: { streams: [{ stream: 1, epoch: 0, nextSeq: 8n, received: [], accounted: [] }], scope: "hop", commandsPending: 0 },
    });
    drainEvents();
    expect(events.find((e) => e.type === "critical")).toMatchObject({ event: { deviceId: "d00d0001", stream: 1, epoch: EPOCH, seq: 7n } });

    session.handleFrame(frame("02 00 04 13"), 1002);
    session.disconnect(1003);
    expect(session.pollTransmit().map(hex)).toEqual(["0300000316"]);
    drainEvents();
    expect(events[events.length - 1]).toMatchObject({ type: "disconnected", reason: 0x16, initiator: "local", truncated: [] });
  });
});
