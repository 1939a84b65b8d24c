/**
 * device-resume.json: the GATT leg's handshake and replay [DHS-1]..[DHS-4]:
 * one control-point exchange (Hello, Welcome) before the device replays what
 * the app's custody does not cover, critical first; the app's hop Ack, and
 * the server's custody of alarms relayed end to end [ACK-14].
 */
import type { ExchangeVector } from "../../src/vectors/types.js";
import { step, type About } from "./build.js";
import { EPOCH, msg, STREAM } from "./fixtures.js";
import type { VectorGroup } from "./group.js";
import { ALARM_1, ALARM_2, custodyOf, deviceWelcome, gattHello, samples } from "./parties.js";

const exchange = (about: About, steps: ExchangeVector["steps"]): ExchangeVector => ({ ...about, kind: "exchange", leg: "app-device", steps });
/** On the BLE leg, epoch 0 in runs and acks means the device's current epoch [ENV-4]. */
const ble = (stream: number, nextSeq: bigint) => custodyOf(stream, nextSeq, 0);

export const deviceResume: VectorGroup = {
  file: "device-resume.json",
  group: "device-resume",
  description: "App-device exchanges on the GATT leg with the demo device of device-info-demo (epoch 1234abcd; streams 1 heart-rate bulk, 2 audio realtime, 3 alarm critical; grants the app 4 commands / 512 bytes). Hello and Welcome travel on the control point, events and accountings on uplink, acks on the control point. Runs and hop acks use epoch 0 (the current epoch); the app's stored custody names the epoch, and an end-to-end ack relays the server's StreamAcks unchanged, epoch included.",
  vectors: () => [
    exchange(
      { name: "device-fresh", description: "An app that holds nothing of this epoch: empty custody, so the device replays its whole buffer, the alarm first. The app acks hop by hop, then relays the server's custody of the alarm end to end.", requirements: ["DHS-1", "DHS-3", "DHS-4", "DHS-7", "ENV-4", "ENV-9", "ACK-13", "ACK-14", "ACK-16", "PRIO-3"] },
      [
        step("app", msg.hello(gattHello([]))),
        step("device", msg.welcome(deviceWelcome())),
        step("device", msg.events({ stream: STREAM.alarm, firstSeq: 0n, priority: "critical", payloads: [ALARM_1] })),
        step("device", msg.events({ stream: STREAM.samples, firstSeq: 0n, payloads: samples(0, 4) })),
        step("app", msg.ack({ streams: [ble(STREAM.samples, 4n), ble(STREAM.alarm, 1n)] })),
        step("app", msg.ack({ streams: [custodyOf(STREAM.alarm, 1n)], scope: "end-to-end" })),
      ],
    ),
    exchange(
      { name: "device-resume", description: "A woken app with custody of samples below 4 and alarms below 1: the device replays only what that does not cover, the new alarm first, then samples 4..9, then accounts the audio frames 0..99 that expired in its buffer. The app acks all three streams, then relays the alarm's end-to-end custody.", requirements: ["DHS-1", "DHS-3", "DHS-4", "DHS-5", "DHS-7", "ENV-9", "PRIO-3", "PRIO-6", "ACK-9", "ACK-11", "ACK-13", "ACK-14", "ACK-16"] },
      [
        step("app", msg.hello(gattHello([custodyOf(STREAM.samples, 4n), custodyOf(STREAM.alarm, 1n)], 5000))),
        step("device", msg.welcome(deviceWelcome())),
        step("device", msg.events({ stream: STREAM.alarm, firstSeq: 1n, priority: "critical", payloads: [ALARM_2] })),
        step("device", msg.events({ stream: STREAM.samples, firstSeq: 4n, payloads: samples(4, 6) })),
        step("device", msg.accounting({ stream: STREAM.audio, epoch: 0, ranges: [{ first: 0n, last: 99n, reason: "expired" }] })),
        step("app", msg.ack({ streams: [ble(STREAM.samples, 10n), ble(STREAM.audio, 100n), ble(STREAM.alarm, 2n)] })),
        step("app", msg.ack({ streams: [custodyOf(STREAM.alarm, 2n)], scope: "end-to-end" })),
      ],
    ),
    exchange(
      { name: "device-sequence-regression", description: `The app holds samples of epoch ${EPOCH.toString(16)} up to 499, but the device's next sequence on that stream is 10: it lost its counters and kept its epoch. Error SEQUENCE_REGRESSION (30) naming the stream and the first sequence concerned (the device's next, 10); the device then draws a new epoch and closes.`, requirements: ["DHS-3", "DHS-6", "ERR-1"] },
      [
        step("app", msg.hello(gattHello([custodyOf(STREAM.samples, 500n)]))),
        step("device", msg.error({ code: 30, detail: "app holds stream 1 up to 499; device's next seq is 10", stream: { stream: STREAM.samples, epoch: EPOCH, seq: 10n } })),
      ],
    ),
  ],
};
