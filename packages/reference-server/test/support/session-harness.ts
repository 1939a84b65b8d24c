/**
 * Drives one ServerSession with a fake store, a committer whose commits the
 * test can hold back, a fake transport that records what the session sends,
 * and a virtual clock.
 */
import { encodeMessage, resumeTokenAuthority, type EventRun, type Hello, type Message, type StreamKey, type Window } from "@ferry/protocol";
import { Credentials } from "../../src/auth.js";
import { silentLogger } from "../../src/log.js";
import type { Committer } from "../../src/session/committer.js";
import type { SessionContext, Transport } from "../../src/session/context.js";
import { SessionRegistry } from "../../src/session/registry.js";
import { ServerSession } from "../../src/session/session.js";
import type { IngestOutcome, IngestRequest } from "../../src/store/store.js";
import { FakeStore } from "./fake-store.js";

export const DEVICE = new Uint8Array([0x0a, 0x0b, 0x0c, 0x0d]);
export const OTHER_DEVICE = new Uint8Array([0xee, 0xee]);
export const EPOCH = 0x2f6a91c3;
export const TOKEN = "app-token";
export const KEY = new Uint8Array(32).fill(7);

/** A committer that commits at once, or, while held, only when released. */
export class GateCommitter implements Committer {
  #held = false;
  #waiting: (() => void)[] = [];
  submitted: IngestRequest[] = [];

  constructor(private readonly store: FakeStore) {}

  hold(): void {
    this.#held = true;
  }

  release(): void {
    this.#held = false;
    for (const go of this.#waiting.splice(0)) go();
  }

  async submit(request: IngestRequest): Promise<IngestOutcome> {
    this.submitted.push(request);
    if (this.#held) await new Promise<void>((r) => this.#waiting.push(r));
    const [outcome] = await this.store.ingest([request]);
    return outcome!;
  }
}

export class FakeTransport implements Transport {
  sent: Message[] = [];
  closedWith: { reason: string; detail: string } | undefined;

  send(message: Message): void {
    if (this.closedWith) throw new Error("send after close");
    this.sent.push(message);
  }

  close(reason: string, detail: string): void {
    this.closedWith ??= { reason, detail };
  }

  types(): string[] {
    return this.sent.map((m) => m.type);
  }

  errors(): number[] {
    return this.sent.flatMap((m) => (m.type === "error" ? [m.error.code] : []));
  }
}

export interface Harness {
  store: FakeStore;
  committer: GateCommitter;
  registry: SessionRegistry;
  clock: { nowMs: number; monoMs: number };
  context: SessionContext;
  open(): { session: ServerSession; transport: FakeTransport };
}

export function harness(opts: { window?: Window; maxMessage?: number } = {}): Harness {
  const store = new FakeStore();
  const committer = new GateCommitter(store);
  const registry = new SessionRegistry();
  const clock = { nowMs: 1_800_000_000_000, monoMs: 0 };
  let random = 0;
  const context: SessionContext = {
    credentials: new Credentials([[TOKEN, new Set([Buffer.from(DEVICE).toString("hex")])]]),
    tokens: resumeTokenAuthority({ keys: [KEY], ttlS: 3600 }),
    store,
    committer,
    registry,
    clock: { now: () => clock.nowMs, mono: () => clock.monoMs },
    randomBytes: (n) => new Uint8Array(n).fill(++random),
    log: silentLogger,
    throttle: { blocked: () => false, failed: () => {} },
    window: opts.window ?? { events: 1024, bytes: 1_048_576 },
    maxMessage: opts.maxMessage ?? 1_048_576,
    helloTimeoutMs: 10_000,
  };
  return {
    store,
    committer,
    registry,
    clock,
    context,
    open() {
      const transport = new FakeTransport();
      return { session: new ServerSession(context, transport, "test"), transport };
    },
  };
}

export function hello(over: Partial<Hello> = {}): Hello {
  return {
    majors: [1],
    minor: 0,
    role: "app",
    deviceId: DEVICE,
    features: 2,
    credential: new TextEncoder().encode(TOKEN),
    resumeToken: new Uint8Array(0),
    custody: [],
    maxMessage: 0,
    wakeBudgetMs: 0,
    pending: [],
    ...over,
  };
}

export function run(stream: number, firstSeq: bigint, payloads: (string | Uint8Array)[], over: Partial<EventRun> = {}): EventRun {
  return {
    stream,
    firstSeq,
    priority: "bulk",
    ttlMs: 0,
    epoch: EPOCH,
    payloads: payloads.map((p) => (typeof p === "string" ? new TextEncoder().encode(p) : p)),
    signatures: [],
    ...over,
  };
}

export const frame = {
  hello: (over: Partial<Hello> = {}) => encodeMessage({ type: "hello", hello: hello(over) }),
  events: (r: EventRun) => encodeMessage({ type: "events", events: r }),
  message: (m: Message) => encodeMessage(m),
};

export function key(stream: number, epoch = EPOCH): StreamKey {
  return { stream, epoch };
}
