/** batches.json: HTTP batch bodies [HTTP-2], valid and refused. */
import Long from "long";
import { encodeBatch } from "../../src/codec/binary.js";
import { batch, hex, refuses, wire } from "./build.js";
import { counting, CREDENTIAL, DEVICE_ID, EPOCH, hello, msg, STREAM, utf8 } from "./fixtures.js";
import type { VectorGroup } from "./group.js";

const u64 = (v: bigint) => Long.fromString(v.toString(), true);
const appHello = hello({ deviceId: DEVICE_ID, credential: CREDENTIAL, features: 8, wakeBudgetMs: 3000 });
const backlog = {
  hello: appHello,
  messages: [
    msg.events({ stream: STREAM.alarm, firstSeq: 44n, priority: "critical", epoch: EPOCH, payloads: [utf8("smoke:kitchen")] }),
    msg.events({ stream: STREAM.samples, firstSeq: 3600n, epoch: EPOCH, payloads: [counting(4, 0), counting(4, 4), counting(4, 8)] }),
    msg.accounting({ stream: STREAM.audio, epoch: EPOCH, ranges: [{ first: 4800n, last: 4899n, reason: "expired" }] }),
    msg.commandAck({ ids: [7n], outcome: "executed", scope: "end-to-end" }),
  ],
};

export const batches: VectorGroup = {
  file: "batches.json",
  group: "batches",
  description: "HTTP batch bodies (a Hello and a list of Messages) and their proto3 JSON form, and bodies a server must refuse.",
  vectors: () => [
    batch({ name: "batch-hello-only", description: "A batch with a Hello and no messages: authenticates and asks for the server's custody (the Ack answers).", requirements: ["HTTP-2", "HTTP-3"] }, { hello: appHello, messages: [] }),
    batch(
      { name: "batch-backlog", description: "A woken app's upload: an alarm first (critical first), three samples, an expired audio range and a command outcome.", requirements: ["HTTP-2", "HTTP-3", "HTTP-4", "ENV-5", "ACK-9", "CMD-4"] },
      backlog,
    ),
    batch(
      { name: "batch-from-hub", description: "A hub with its own uplink posts its events itself: role DEVICE.", requirements: ["HTTP-2", "HS-2"] },
      { hello: hello({ role: "device", deviceId: DEVICE_ID, credential: utf8("demo-hub-credential") }), messages: [msg.events({ stream: STREAM.samples, firstSeq: 1n, epoch: EPOCH, payloads: [counting(8)] })] },
    ),
    refuses("batch", { name: "batch-without-hello", description: "A batch of one run and no Hello.", requirements: ["HTTP-3"] }, wire.batch({ messages: [{ events: { stream: 1, firstSeq: u64(1n), epoch: EPOCH, payloads: [counting(2)] } }] }), "INVALID_FIELD"),
    refuses("batch", { name: "batch-invalid-entry", description: "A batch whose second message is a run without payloads: the whole batch is refused.", requirements: ["HTTP-4", "ENV-2"] }, wire.batch({ hello: { majors: [1], role: 2, deviceId: DEVICE_ID }, messages: [{ events: { stream: 1, epoch: EPOCH, payloads: [counting(2)] } }, { events: { stream: 1, firstSeq: u64(1n), epoch: EPOCH } }] }), "INVALID_FIELD"),
    refuses("batch", { name: "batch-malformed", description: "A batch whose Hello declares 9 bytes and 3 follow.", requirements: ["ERR-2", "HTTP-2"] }, hex("0a 09 0a 01 01"), "MALFORMED"),
    refuses("batch", { name: "batch-too-large", description: "The batch-backlog body posted to a server whose max_message is 64.", requirements: ["ENV-8", "HTTP-2"] }, encodeBatch(backlog), "MESSAGE_TOO_LARGE", 64),
  ],
};
