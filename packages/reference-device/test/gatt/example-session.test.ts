/**
 * The example session of spec 10.6, frame by frame: the reference device
 * with the example's identity and state answers the central's frames with
 * exactly the example's bytes.
 */
import { describe, expect, it } from "vitest";
import { encodeMessage } from "@ferry/protocol";
import { Fragmenter } from "@ferry/protocol";
import { MemoryFlash, VglPeripheral, encodeImage, type Observation } from "../../src/index.js";

const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const toHex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const EPOCH = 0x2f6a91c3;

function exampleDevice() {
  // The example's state: the app holds stream 1 up to 6 and stream 2 up to 119; event 7 of stream 1 is buffered.
  const flash = new MemoryFlash(
    encodeImage({
      deviceId: hex("d00d0001"),
      epoch: EPOCH,
      previousEpoch: 0,
      streams: [
        { stream: 1, state: { nextSeq: 8n, events: [{ seq: 7n, arrival: 0, payload: new TextEncoder().encode("smoke") }], accounted: [] } },
        { stream: 2, state: { nextSeq: 120n, events: [], accounted: [] } },
      ],
      commands: { highestId: 0n, outcomes: [] },
    }),
  );
  const out: string[] = [];
  const observations: Observation[] = [];
  const link = VglPeripheral.create(
    {
      config: {
        name: "ferry-demo",
        streams: [
          { stream: 1, name: "alarm", priority: "critical" },
          { stream: 2, name: "temperature", priority: "bulk" },
        ],
        capacity: 4096,
        window: { events: 4, bytes: 1024 },
      },
      flash,
      randomU32: () => {
        throw new Error("the example's flash is trusted: no new epoch");
      },
      now: 0,
      observe: (o) => observations.push(o),
    },
    { write: (b) => out.push(toHex(b)) },
  );
  /** Feeds one central frame; returns the peripheral's frames it caused. */
  const exchange = (frame: string): string[] => {
    out.length = 0;
    link.handleBytes(hex(frame), 0);
    return [...out];
  };
  return { link, exchange, observations, flash };
}

describe("the example session of 10.6", () => {
  it("[VGL-3] [VGL-5] [VGL-6] [DHS-4] [GATT-9] answers every frame of the example with the example's bytes", () => {
    const { exchange, observations } = exampleDevice();
    expect(exchange("03 00 00 01 01")).toEqual(["0d0000020166657272792d64656d6f"]);
    expect(exchange("04 00 04 02 05 02")).toEqual(["04000403f700"]);
    expect(exchange("08 00 04 10 01 00 ff ff 00 28")).toEqual([toHex(hex("17 00 04 11 14 01 00 0b 00 46 32 66 b5 99 aa 60 ad e7 4b 36 91 01 00 6b 8b"))]);
    expect(exchange("08 00 04 10 0c 00 ff ff 00 28")).toEqual(["06000401100c000a"]);
    expect(exchange("08 00 04 08 01 00 0b 00 03 28")).toEqual([
      toHex(
        hex(`57 00 04 09 15
          02 00 02 03 00 46 32 66 b5 99 aa 60 ad e7 4b 36 91 02 00 6b 8b
          04 00 28 05 00 46 32 66 b5 99 aa 60 ad e7 4b 36 91 03 00 6b 8b
          07 00 10 08 00 46 32 66 b5 99 aa 60 ad e7 4b 36 91 04 00 6b 8b
          0a 00 04 0b 00 46 32 66 b5 99 aa 60 ad e7 4b 36 91 05 00 6b 8b`),
      ),
    ]);
    expect(exchange("08 00 04 08 0b 00 0b 00 03 28")).toEqual(["06000401080b000a"]);
    expect(exchange("06 00 04 04 06 00 06 00")).toEqual(["07000405010600" + "0229"]);
    expect(exchange("06 00 04 04 09 00 09 00")).toEqual(["07000405010900" + "0229"]);
    expect(exchange("04 00 04 0a 03 00")).toEqual([
      toHex(
        hex(`34 00 04 0b
          0a 01 01 18 02 22 04 d0 0d 00 01 28 c3 a3 aa fb 02 30 80 20
          3a 0b 08 01 10 02 22 05 61 6c 61 72 6d
          3a 0f 08 02 22 0b 74 65 6d 70 65 72 61 74 75 72 65`),
      ),
    ]);
    expect(exchange("06 00 04 12 06 00 02 00")).toEqual(["020004" + "13"]);
    expect(exchange("06 00 04 12 09 00 01 00")).toEqual(["020004" + "13"]);
    // The Hello: Write Response, the Welcome by indication, then at once the replay on uplink [DHS-4].
    expect(
      exchange(`31 00 04 12 05 00 80 2b
        0a 29 0a 01 01 18 02 28 02
        42 0a 08 01 10 c3 a3 aa fb 02 18 07
        42 0a 08 02 10 c3 a3 aa fb 02 18 78
        4a 05 08 20 10 80 40
        50 ff 7f`),
    ).toEqual([
      "02000413",
      toHex(hex("13 00 04 1d 05 00 80 0d 12 0b 08 01 18 02 52 05 08 04 10 80 08")),
      toHex(hex("15 00 04 1b 08 00 80 0f 1a 0d 08 01 10 07 18 02 32 05 73 6d 6f 6b 65")),
    ]);
    expect(exchange("02 00 04 1e")).toEqual([]);
    expect(observations.filter((o) => o.event === "session")).toHaveLength(1);
  });

  it("[ACK-14] [DHS-5] keeps event 7 of the critical stream on the app's hop Ack and frees it on the relayed END_TO_END Ack", () => {
    const { exchange, observations, link } = exampleDevice();
    for (const f of [
      "03 00 00 01 01",
      "04 00 04 02 05 02",
      "06 00 04 12 06 00 02 00",
      "06 00 04 12 09 00 01 00",
      "31 00 04 12 05 00 80 2b 0a 29 0a 01 01 18 02 28 02 42 0a 08 01 10 c3 a3 aa fb 02 18 07 42 0a 08 02 10 c3 a3 aa fb 02 18 78 4a 05 08 20 10 80 40 50 ff 7f",
      "02 00 04 1e",
    ])
      exchange(f);
    const control = new Fragmenter({ maxMessage: 4096 });
    control.fragment(new Uint8Array(43), 247); // the Hello took counter 0 of this direction
    const write = (ack: Parameters<typeof encodeMessage>[0]) => {
      const [value] = control.fragment(encodeMessage(ack), 247);
      const pdu = new Uint8Array([0x12, 0x05, 0x00, ...value!]);
      return exchange(toHex(new Uint8Array([pdu.length + 1, 0, 0x04, ...pdu])));
    };
    // The app acknowledges event 7 (counter 1 of control, as 10.6 says).
    expect(write({ type: "ack", ack: { streams: [{ stream: 1, epoch: EPOCH, nextSeq: 8n, received: [], accounted: [] }], scope: "hop", commandsPending: 0 } })).toEqual(["02000413"]);
    expect(link.device.status().buffered).toBe(1);
    const ack = observations.filter((o) => o.event === "acknowledged").at(-1);
    expect(ack).toMatchObject({ stream: 1, scope: "hop", freed: [], kept: [{ first: 7n, last: 7n }] });
    write({ type: "ack", ack: { streams: [{ stream: 1, epoch: EPOCH, nextSeq: 8n, received: [], accounted: [] }], scope: "end-to-end", commandsPending: 0 } });
    expect(link.device.status().buffered).toBe(0);
    expect(observations.filter((o) => o.event === "acknowledged").at(-1)).toMatchObject({ scope: "end-to-end", freed: [{ first: 7n, last: 7n }] });
    expect(exchange("03 00 00 03 16")).toEqual([]);
    expect(observations.at(-1)).toMatchObject({ event: "disconnected", reason: 0x16, by: "central" });
  });
});
