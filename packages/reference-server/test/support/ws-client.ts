/**
 * A raw WebSocket client built from the `ws` package and the protocol
 * codecs: it sends exactly the bytes a test gives it (hostile ones too) and
 * records every message and the close code. Waits are on events; the
 * timeouts only stop a broken test from hanging.
 */
import { decodeMessage, encodeMessage, type EventRun, type Hello, type Message, type StreamAck, type Welcome } from "@ferry/protocol";
import { WebSocket } from "ws";

const WAIT_MS = 10_000;

export class RawClient {
  readonly ws: WebSocket;
  readonly messages: Message[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: (() => void)[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.messages.push(decodeMessage(new Uint8Array(data)));
      this.#wake();
    });
    this.closed = new Promise((resolve) => ws.on("close", (code: number, reason: Buffer) => {
      this.#wake();
      resolve({ code, reason: reason.toString() });
    }));
    ws.on("error", () => {});
  }

  /** `ca`: the certificate to trust for a wss:// URL (a test's self-signed one). */
  static connect(url: string, protocols: string[] = ["ferry.v1"], opts: { ca?: string | Buffer } = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols, { perMessageDeflate: false, ...(opts.ca && { ca: opts.ca }) });
      const client = new RawClient(ws);
      ws.once("open", () => resolve(client));
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once("error", reject);
    });
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  send(m: Message | Uint8Array): void {
    this.ws.send(m instanceof Uint8Array ? m : encodeMessage(m));
  }

  /** The first message (from `from` on) that matches, waiting for it (at most `waitMs`, a deadlock guard). */
  async next<T extends Message>(match: (m: Message) => m is T, from?: number, waitMs?: number): Promise<T>;
  async next(match: (m: Message) => boolean, from?: number, waitMs?: number): Promise<Message>;
  async next(match: (m: Message) => boolean, from = 0, waitMs = WAIT_MS): Promise<Message> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`closed before the awaited message; got ${this.messages.map((m) => m.type).join(",")}`);
      if (Date.now() > deadline) throw new Error(`timed out; got ${this.messages.map((m) => m.type).join(",")}`);
      await new Promise<void>((r) => {
        this.#waiters.push(r);
        setTimeout(r, 200).unref();
      });
    }
  }

  welcome(): Promise<Welcome> {
    return this.next((m): m is Extract<Message, { type: "welcome" }> => m.type === "welcome").then((m) => m.welcome);
  }

  /** Waits for an Ack whose StreamAck for the stream reaches nextSeq. */
  async ackedTo(stream: number, nextSeq: bigint): Promise<StreamAck> {
    const m = await this.next((x) => x.type === "ack" && x.ack.streams.some((s) => s.stream === stream && s.nextSeq >= nextSeq));
    return (m as Extract<Message, { type: "ack" }>).ack.streams.find((s) => s.stream === stream)!;
  }

  errors(): number[] {
    return this.messages.flatMap((m) => (m.type === "error" ? [m.error.code] : []));
  }

  /** The close code, once the server closed. */
  async closeCode(): Promise<number> {
    const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("not closed")), WAIT_MS).unref());
    return (await Promise.race([this.closed, timer])).code;
  }

  close(): void {
    this.ws.close(1000);
  }
}

export function helloMessage(deviceId: Uint8Array, credential: string, over: Partial<Hello> = {}): Message {
  return {
    type: "hello",
    hello: {
      majors: [1],
      minor: 0,
      role: "app",
      deviceId,
      features: 2,
      credential: new TextEncoder().encode(credential),
      resumeToken: new Uint8Array(0),
      custody: [],
      maxMessage: 0,
      wakeBudgetMs: 0,
      pending: [],
      ...over,
    },
  };
}

export function eventsMessage(stream: number, epoch: number, firstSeq: bigint, payloads: (string | Uint8Array)[], over: Partial<EventRun> = {}): Message {
  return {
    type: "events",
    events: {
      stream,
      firstSeq,
      priority: "bulk",
      ttlMs: 0,
      epoch,
      payloads: payloads.map((p) => (typeof p === "string" ? new TextEncoder().encode(p) : p)),
      signatures: [],
      ...over,
    },
  };
}

/** A well-behaved app streaming one stream of one device on one connection. */
export class GoodClient {
  next = 0n;

  private constructor(
    readonly raw: RawClient,
    readonly stream: number,
    readonly epoch: number,
  ) {}

  static async open(url: string, deviceId: Uint8Array, credential: string, stream: number, epoch: number): Promise<GoodClient> {
    const raw = await RawClient.connect(url);
    raw.send(helloMessage(deviceId, credential, { pending: [{ stream, epoch }] }));
    const welcome = await raw.welcome();
    const client = new GoodClient(raw, stream, epoch);
    client.next = welcome.custody[0]?.nextSeq ?? 0n;
    return client;
  }

  /** Sends `n` events and waits until an Ack covers them. */
  async send(n: number): Promise<void> {
    const payloads = Array.from({ length: n }, (_, i) => `good-${this.next + BigInt(i)}`);
    this.raw.send(eventsMessage(this.stream, this.epoch, this.next, payloads));
    this.next += BigInt(n);
    await this.raw.ackedTo(this.stream, this.next);
  }
}
