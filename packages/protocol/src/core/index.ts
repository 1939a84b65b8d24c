/** The sans-IO custody core: stream senders and receivers, buffers, flow control [ACK-2] [FLOW-1] [PRIO-10]. */
export * from "./ranges.js";
export * from "./accounted-ranges.js";
export * from "./message-size.js";
export * from "./window.js";
export * from "./custody.js";
export * from "./stream-sender.js";
export * from "./stream-receiver.js";
export * from "./overflow.js";
export * from "./outbox.js";
export * from "./inbox.js";
