/**
 * One WebSocket session of the reference app client (WebSocketLeg) against
 * the server under test, with promises for what the benchmarks wait on: the
 * Welcome, and the moment the outbox is empty (every event covered by the
 * server's acknowledgements). Every wait ends with an error naming what it
 * waited for if the connection ends first, so a broken server cannot hang
 * the bench.
 */
import { WebSocketLeg, type LegEnd, type LegSource } from "@ferry/reference-client";
import type { ClientOutcome } from "@ferry/protocol";
import { CREDENTIAL } from "./server-process.js";

export interface AppSessionOptions {
  url: string;
  deviceId: Uint8Array;
  source: LegSource;
  isEmpty: () => boolean;
  resumeToken?: Uint8Array;
  onWelcome?: (w: ClientOutcome) => void;
}

export interface AppSession {
  leg: WebSocketLeg;
  ended: Promise<LegEnd>;
  welcome: Promise<ClientOutcome>;
  /** Resolves once the source holds nothing the server has not acknowledged. */
  empty(): Promise<void>;
  close(): Promise<LegEnd>;
}

/** A deadlock guard, not a measurement: no healthy run comes near it. */
export const WAIT_LIMIT_MS = 120_000;

const endedEarly = (what: string) => (e: LegEnd) =>
  Promise.reject(new Error(`connection ended (${e.closeCode} ${e.reason} ${e.error?.message ?? e.linkError?.message ?? ""}) before ${what}`));

function bounded<T>(what: string, p: Promise<T>, ended: Promise<LegEnd>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${WAIT_LIMIT_MS} ms`)), WAIT_LIMIT_MS);
    timer.unref();
  });
  return Promise.race([p, ended.then(endedEarly(what)), limit]).finally(() => clearTimeout(timer));
}

export function openSession(o: AppSessionOptions): AppSession {
  const waiters: (() => void)[] = [];
  const check = () => {
    if (o.isEmpty()) for (const w of waiters.splice(0)) w();
  };
  let welcomed!: (w: ClientOutcome) => void;
  const welcome = new Promise<ClientOutcome>((r) => (welcomed = r));
  const leg = new WebSocketLeg({
    url: o.url,
    source: o.source,
    deviceId: o.deviceId,
    credential: CREDENTIAL,
    keepalive: false,
    ...(o.resumeToken && { resumeToken: o.resumeToken }),
    onWelcome: (w) => {
      o.onWelcome?.(w);
      welcomed(w);
      check();
    },
    onAck: check,
  });
  const ended = leg.run();
  const welcomeOrError = bounded("Welcome", welcome, ended);
  // Awaited by most callers, not all: a failure before the Welcome must not be an unhandled rejection.
  welcomeOrError.catch(() => {});
  return {
    leg,
    ended,
    welcome: welcomeOrError,
    empty: () => bounded("acknowledgement of the whole outbox", new Promise<void>((r) => (o.isEmpty() ? r() : waiters.push(r))), ended),
    close: () => {
      leg.close(1000);
      return ended;
    },
  };
}

let devices = 0;

/** A device id no earlier session of this process used (8 bytes). */
export function freshDeviceId(): Uint8Array {
  const n = ++devices;
  return Uint8Array.from([0xbe, 0x7c, process.pid & 0xff, (process.pid >> 8) & 0xff, (n >> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}

/** The 16-byte sample payload of event i. */
export function samplePayload(i: number): Uint8Array {
  const p = new Uint8Array(16);
  new DataView(p.buffer).setUint32(0, i);
  p.fill(0xa5, 4);
  return p;
}
