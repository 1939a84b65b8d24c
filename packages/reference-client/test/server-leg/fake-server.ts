/**
 * A fake Ferry server for the leg's unit tests: real WebSocket on loopback,
 * @ferry/protocol's ServerHandshake for the handshake, custody in memory
 * (taken as durable at once). Not the reference server: it has knobs the
 * real one does not (refuse chosen events, stay silent, misbehave) so the
 * tests can reach the client's every branch.
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { decodeMessage, encodeMessage, Feature, resumeTokenAuthority, ServerHandshake } from "@ferry/protocol";
import type { Command, CommandAck, Message, Range, ServerOutcome, StreamAck, StreamKey, Window } from "@ferry/protocol";

export const CREDENTIAL = new TextEncoder().encode("demo-app-credential");
export const DEVICE = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
export const EPOCH = 305441741;
export const KEY = new TextEncoder().encode("ferry-vectors-resume-token-key-1");

export interface FakeServerOptions {
  port?: number;
  keys?: Uint8Array[];
  window?: Window;
  maxMessage?: number;
  features?: number;
  /** Events the server refuses with WINDOW_EXCEEDED (not stored, not acked), once each. */
  refuseOnce?: (key: StreamKey, seq: bigint) => boolean;
  /** Never acknowledge events (the retransmission timer's test). */
  silent?: boolean;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const keyOf = (k: StreamKey) => `${k.stream}/${k.epoch}`;

export class FakeServer {
  readonly opts: FakeServerOptions;
  /** Custody: device hex -> stream/epoch -> seqs held. Survives restarts, like a database. */
  readonly custody = new Map<string, Map<string, Set<bigint>>>();
  /** Every event received, duplicates included, in arrival order. */
  readonly arrivals: { device: string; key: string; seq: bigint }[] = [];
  readonly welcomes: ServerOutcome[] = [];
  readonly commandAcks: CommandAck[] = [];
  readonly commands = new Map<string, { command: Command; settled: boolean }[]>();
  readonly sockets = new Set<WebSocket>();
  readonly refused = new Set<string>();
  #wss: WebSocketServer | undefined;
  port = 0;

  constructor(opts: FakeServerOptions = {}) {
    this.opts = opts;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/v1/ws`;
  }

  async start(): Promise<this> {
    const wss = new WebSocketServer({
      host: "127.0.0.1",
      port: this.opts.port ?? this.port,
      handleProtocols: (protocols) => (protocols.has("ferry.v1") ? "ferry.v1" : false),
    });
    await new Promise<void>((resolve) => wss.once("listening", resolve));
    this.port = (wss.address() as AddressInfo).port;
    wss.on("connection", (ws) => this.#serve(ws));
    this.#wss = wss;
    return this;
  }

  /** Ends every connection with `code` (1001: going away) and stops listening. */
  async stop(code = 1001): Promise<void> {
    for (const ws of this.sockets) ws.close(code, "fake server stopping");
    await new Promise<void>((resolve) => this.#wss?.close(() => resolve()) ?? resolve());
    this.#wss = undefined;
  }

  held(key: StreamKey, device: Uint8Array = DEVICE): bigint[] {
    return [...(this.custody.get(hex(device))?.get(keyOf(key)) ?? [])].sort((a, b) => (a < b ? -1 : 1));
  }

  enqueueCommand(payload: Uint8Array, device: Uint8Array = DEVICE): Command {
    const list = this.commands.get(hex(device)) ?? [];
    const command: Command = { id: BigInt(list.length + 1), payload, ttlMs: 0 };
    list.push({ command, settled: false });
    this.commands.set(hex(device), list);
    for (const ws of this.sockets) (ws as WebSocket & { push?: (c: Command) => void }).push?.(command);
    return command;
  }

  streamAck(device: Uint8Array, key: StreamKey): StreamAck {
    const seqs = this.held(key, device);
    let next = 0n;
    const set = new Set(seqs);
    while (set.has(next)) next++;
    const received: Range[] = [];
    for (const s of seqs.filter((s) => s > next)) {
      const last = received[received.length - 1];
      if (last && last.last + 1n === s) last.last = s;
      else received.push({ first: s, last: s });
    }
    return { ...key, nextSeq: next, received, accounted: [] };
  }

  #serve(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on("close", () => this.sockets.delete(ws));
    const send = (m: Message) => ws.send(encodeMessage(m));
    const hs = new ServerHandshake(
      {
        authenticate: (credential, device) =>
          hex(credential) !== hex(CREDENTIAL) ? "auth-failed" : hex(device) === hex(DEVICE) || device[0] === 0x42 ? "ok" : "device-not-allowed",
        tokens: resumeTokenAuthority({ keys: this.opts.keys ?? [KEY], ttlS: 86_400 }),
        custodyOf: (device, pending) => pending.map((k) => this.streamAck(device, k)),
        randomBytes: (n) => randomBytes(n),
        limits: {
          majors: [1],
          minor: 0,
          features: this.opts.features ?? Feature.commands | Feature.httpBatch,
          window: this.opts.window ?? { events: 1024, bytes: 1 << 20 },
          maxMessage: this.opts.maxMessage ?? 1 << 20,
        },
      },
      performance.now(),
    );
    ws.on("message", (data) => {
      const msg = decodeMessage(data as Buffer);
      const step = hs.handleMessage(msg, Math.floor(Date.now() / 1000));
      if (step.kind === "failed") {
        step.send.forEach(send);
        return ws.close(step.error.info.websocketClose ?? 1011);
      }
      if (step.kind === "established") {
        this.welcomes.push(step.outcome);
        step.send.forEach(send);
        const device = hex(step.outcome.deviceId);
        // [HS-12] Welcome, then the first flight's Ack (sent as each run arrives), then commands.
        setImmediate(() => {
          for (const c of this.commands.get(device) ?? []) if (!c.settled) send({ type: "command", command: c.command });
        });
        (ws as WebSocket & { push?: (c: Command) => void }).push = (c) => send({ type: "command", command: c });
        return;
      }
      if (step.kind !== "session") return;
      const outcome = hs.outcome!;
      const m = step.message;
      if (m.type === "events") this.#events(outcome.deviceId, m.events, send);
      if (m.type === "commandAck") this.#commandAck(outcome.deviceId, m.commandAck);
    });
  }

  #events(deviceId: Uint8Array, run: Extract<Message, { type: "events" }>["events"], send: (m: Message) => void): void {
    const device = hex(deviceId);
    const streams = this.custody.get(device) ?? new Map<string, Set<bigint>>();
    this.custody.set(device, streams);
    const held = streams.get(keyOf(run)) ?? new Set<bigint>();
    streams.set(keyOf(run), held);
    run.payloads.forEach((_, i) => {
      const seq = run.firstSeq + BigInt(i);
      const id = `${device}/${keyOf(run)}/${seq}`;
      if (this.opts.refuseOnce?.(run, seq) && !this.refused.has(id)) {
        this.refused.add(id);
        send({ type: "error", error: { code: 40, detail: "beyond the window", stream: { stream: run.stream, epoch: run.epoch, seq } } });
        return;
      }
      this.arrivals.push({ device, key: keyOf(run), seq });
      held.add(seq);
    });
    if (!this.opts.silent) send({ type: "ack", ack: { streams: [this.streamAck(deviceId, run)], scope: "hop", commandsPending: 0 } });
  }

  #commandAck(deviceId: Uint8Array, ack: CommandAck): void {
    this.commandAcks.push(ack);
    for (const c of this.commands.get(hex(deviceId)) ?? []) if (ack.ids.includes(c.command.id) && ack.outcome !== "received") c.settled = true;
  }
}
