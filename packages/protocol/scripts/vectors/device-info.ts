/** device-info.json: values of the Info characteristic [GATT-6], valid and refused. */
import { deviceInfoVector, outOfRange, refuses, wire } from "./build.js";
import { counting, DEVICE_ID, deviceInfo, EPOCH, STREAM } from "./fixtures.js";
import type { VectorGroup } from "./group.js";
import { PUBLIC_KEY } from "./signing.js";

const streams = [
  { stream: STREAM.samples, priority: "bulk" as const, ttlMs: 0, name: "heart-rate" },
  { stream: STREAM.audio, priority: "realtime" as const, ttlMs: 250, name: "audio" },
  { stream: STREAM.alarm, priority: "critical" as const, ttlMs: 0, name: "alarm" },
];

export const deviceInfos: VectorGroup = {
  file: "device-info.json",
  group: "device-info",
  description: "DeviceInfo, the value of the Info characteristic, and its proto3 JSON form (the generated codec's toObject with longs, enums and bytes as strings), and values an app must refuse.",
  vectors: () => [
    deviceInfoVector({ name: "device-info-minimal", description: "Major 1, a 1-byte device id and the epoch; no streams declared, defaults elsewhere.", requirements: ["GATT-6", "ID-2", "ID-3"] }, deviceInfo({ deviceId: Uint8Array.of(0x2a) })),
    deviceInfoVector(
      { name: "device-info-demo", description: "The demo device of the exchanges: three streams (bulk heart rate, realtime audio with 250 ms TTL, critical alarm), room for 4096 events, max_message 512, commands.", requirements: ["GATT-6", "PRIO-2", "PRIO-9", "ENV-8", "VER-7"] },
      deviceInfo({ features: 2, bufferCapacity: 4096, streams, maxMessage: 512 }),
    ),
    deviceInfoVector(
      { name: "device-info-signed", description: "Every field set: a device that signs its events, with the raw Ed25519 public key of the test signing key (the key of events-full-signed) and a 16-byte device id.", requirements: ["GATT-6", "SEC-8", "SEC-9", "ID-3", "VER-2", "VER-3"] },
      deviceInfo({ majors: [1, 2], minor: 1, features: 1 | 2 | 4, deviceId: counting(16, 0xd0), bufferCapacity: 65535, streams, maxMessage: 4096, publicKey: PUBLIC_KEY }),
    ),
    refuses("device-info", { name: "device-info-epoch-zero", description: "Epoch 0: a device's epoch is never 0.", requirements: ["ID-2"] }, wire.deviceInfo({ majors: [1], deviceId: DEVICE_ID }), "INVALID_FIELD"),
    refuses("device-info", { name: "device-info-device-id-empty", description: "No device id; it has 1 to 16 bytes.", requirements: ["ID-3"] }, wire.deviceInfo({ majors: [1], epoch: EPOCH }), "INVALID_FIELD"),
    refuses("device-info", { name: "device-info-device-id-17-bytes", description: "A device id of 17 bytes; at most 16.", requirements: ["ID-3"] }, wire.deviceInfo({ majors: [1], deviceId: counting(17, 1), epoch: EPOCH }), "INVALID_FIELD"),
    refuses("device-info", { name: "device-info-priority-unknown", description: "A stream declared with priority 3.", requirements: ["VER-5", "PRIO-2"] }, wire.deviceInfo({ majors: [1], deviceId: DEVICE_ID, epoch: EPOCH, streams: [{ stream: 1, priority: outOfRange(3) }] }), "INVALID_FIELD"),
  ],
};
