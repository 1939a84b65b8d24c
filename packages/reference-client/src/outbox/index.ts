/** The app's disk outbox: custody of device events on disk, driven by the server leg [LIFE-4] [LIFE-5] [ACK-2]. */
export { DiskOutbox, type DeviceRef, type DiskOutboxOptions, type CompactionPolicy, type Recovered, type StreamStats } from "./disk-outbox.js";
export { DeviceLegSource } from "./device-source.js";
export type { TakeResult } from "./take.js";
export type { LogStorage } from "./log-storage.js";
export { FileLogStorage } from "./file-log-storage.js";
export { MemoryLogStorage, StorageCrashedError, type CrashReport, type MemoryLogStorageOptions } from "./memory-log-storage.js";
export { LogCorruptError, scanLog, frameRecord, type ScannedLog } from "./frame.js";
export { encodeRecord, decodeRecord, LOG_FORMAT_VERSION, type OutboxRecord, type StoredEvent, type StreamCounters } from "./records.js";
