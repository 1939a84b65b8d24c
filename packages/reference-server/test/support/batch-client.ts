/**
 * Posts HTTP batches (chapter 12) to a real server over node:http or
 * node:https (with the test's own CA for a self-signed certificate), in the
 * protobuf or the JSON form, and decodes the Ack of a 200 answer.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { ackFromJson, batchToJson, decodeAck, encodeBatch, type Ack, type Batch, type Hello } from "@ferry/protocol";

export interface BatchAnswer {
  status: number;
  /** The decoded Ack of a 200 answer. */
  ack: Ack | undefined;
  body: Uint8Array;
}

export function batchHello(deviceId: Uint8Array, credential: string, over: Partial<Hello> = {}): Hello {
  return {
    majors: [1],
    minor: 0,
    role: "app",
    deviceId,
    features: 8,
    credential: new TextEncoder().encode(credential),
    resumeToken: new Uint8Array(0),
    custody: [],
    maxMessage: 0,
    wakeBudgetMs: 3000,
    pending: [],
    ...over,
  };
}

export async function postBatch(httpUrl: string, batch: Batch, opts: { json?: boolean; ca?: string | Buffer } = {}): Promise<BatchAnswer> {
  const url = new URL("/v1/batch", httpUrl);
  const body = opts.json ? Buffer.from(JSON.stringify(batchToJson(batch))) : Buffer.from(encodeBatch(batch));
  const type = opts.json ? "application/json" : "application/x-protobuf";
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  const { status, bytes } = await new Promise<{ status: number; bytes: Uint8Array }>((resolve, reject) => {
    const req = send(url, { method: "POST", headers: { "Content-Type": type, "Content-Length": body.length }, ...(opts.ca && { ca: opts.ca }) }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes: new Uint8Array(Buffer.concat(chunks)) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
  if (status !== 200) return { status, ack: undefined, body: bytes };
  const ack = opts.json ? ackFromJson(JSON.parse(Buffer.from(bytes).toString("utf8"))) : decodeAck(bytes);
  return { status, ack, body: bytes };
}
