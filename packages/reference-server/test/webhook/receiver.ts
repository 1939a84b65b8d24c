/**
 * A scripted webhook receiver on a real loopback socket, written as a vendor
 * would: verify the signature on the raw body, then process each CloudEvent
 * whose id it has not seen (dedup by the idempotency key), then answer.
 * The script decides, per request, how it misbehaves.
 */
import { type IncomingMessage, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { FerryCloudEvent } from "../../src/webhook/cloudevent.js";
import { verifyWebhookSignature } from "../../src/webhook/signature.js";

export type Behaviour =
  | "ok" // process, answer 204
  | "fail" // answer 500 without processing
  | "refuse" // answer 400 without processing (a receiver bug)
  | "hang" // never answer, never process
  | "process-then-drop" // process, then close the socket: the answer is lost
  | "process-then-hang"; // process, then never answer: the dispatcher times out

export interface Receiver {
  url: string;
  /** Every CloudEvent processed, duplicates included, in arrival order. */
  raw: FerryCloudEvent[];
  /** The deduplicated view: the first copy of each id, in arrival order. */
  view: FerryCloudEvent[];
  requests: number;
  badSignatures: number;
  /** Structured requests whose Idempotency-Key header differs from the event id. */
  keyMismatches: number;
  behaviours: Behaviour[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export async function startReceiver(secret: string, script: (n: number) => Behaviour): Promise<Receiver> {
  const seenIds = new Set<string>();
  const r: Omit<Receiver, "url" | "close"> = { raw: [], view: [], requests: 0, badSignatures: 0, keyMismatches: 0, behaviours: [] };
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const behaviour = script(++r.requests);
    r.behaviours.push(behaviour);
    if (behaviour === "hang") return;
    if (!verifyWebhookSignature(secret, req.headers["ferry-signature"] as string | undefined, body, Math.floor(Date.now() / 1000), 300)) {
      r.badSignatures++;
      res.writeHead(401).end();
      return;
    }
    if (behaviour === "fail" || behaviour === "refuse") {
      res.writeHead(behaviour === "fail" ? 500 : 400, { "content-type": "text/plain" }).end("scripted failure");
      return;
    }
    const batch = (req.headers["content-type"] ?? "").startsWith("application/cloudevents-batch+json");
    const events = (batch ? JSON.parse(body.toString("utf8")) : [JSON.parse(body.toString("utf8"))]) as FerryCloudEvent[];
    if (!batch && req.headers["idempotency-key"] !== events[0]?.id) r.keyMismatches++;
    for (const event of events) {
      r.raw.push(event);
      if (seenIds.has(event.id)) continue;
      seenIds.add(event.id);
      r.view.push(event);
    }
    if (behaviour === "process-then-drop") return void req.socket.destroy();
    if (behaviour === "process-then-hang") return;
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(r, {
    url: `http://127.0.0.1:${port}/ferry/webhook`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
