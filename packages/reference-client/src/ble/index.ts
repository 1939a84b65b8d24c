/** The app's BLE central over the virtual GATT link: GATT client, device session, transports (chapters 7.2, 9, 10). */
export * from "./gatt-layout.js";
export { GattSetup, clampMtu, DEFAULT_MTU_OFFER, type SetupResult, type SetupStep } from "./gatt-setup.js";
export { SduReceiver, APP_MAX_MESSAGE, type Received } from "./sdu-receiver.js";
export * from "./gatt-central.js";
export * from "./custody-sink.js";
export { TakeBatch, type SealedBatch, type StoreRequest } from "./take-batch.js";
export * from "./command-queue.js";
export * from "./end-to-end-relay.js";
export * from "./uplink-intake.js";
export * from "./central-session.js";
export * from "./clock.js";
export * from "./frame-stream.js";
export * from "./tcp.js";
export * from "./stdio.js";
export * from "./device-session.js";
