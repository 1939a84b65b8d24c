/**
 * The HTTP batch binding, client side [HTTP-1]..[HTTP-14]: one POST of a
 * Batch{hello, messages} to {base}/v1/batch, answered by one Ack.
 *
 * - protobuf by default, the proto3 JSON form on request [HTTP-2] [HTTP-7];
 * - the body never exceeds the server's max_message [HTTP-14];
 * - custody stays with the source until a 200 answer covers it [HTTP-13];
 *   any other status means nothing was stored [HTTP-10], and is thrown as
 *   a BatchRefused carrying the status and the server's Error.
 */
import { ackFromJson, batchToJson, decodeAck, decodeMessage, encodeBatch, encodeMessage, ERROR_TABLE, Feature, messageFromJson } from "@ferry/protocol";
import { ProtocolError, SPOKEN_MAJORS, SPOKEN_MINOR, type Ack, type Batch, type ErrorMessage, type Message, type StreamKey } from "@ferry/protocol";
import { peerError } from "./close-codes.js";
import { decodeBareError, errorFromJson } from "./error-body.js";
import { WEBSOCKET_MAX_MESSAGE } from "./session.js";
import type { LegSource } from "./source.js";
import { covers, coversRange } from "./coverage.js";

export type BatchFormat = "protobuf" | "json";
const CONTENT_TYPE: Record<BatchFormat, string> = { protobuf: "application/x-protobuf", json: "application/json" };

export interface HttpBatchLegOptions {
  /** The server's base URL; the batch goes to {base}/v1/batch [HTTP-1]. */
  baseUrl: string;
  deviceId: Uint8Array;
  credential: Uint8Array;
  format?: BatchFormat;
  /** The server's max_message from its last Welcome; 0 or absent: 1 MiB [HTTP-14]. */
  maxMessage?: number;
  wakeBudgetMs?: number;
  features?: number;
  role?: "app" | "device";
  fetch?: typeof fetch;
}

/** A non-200 answer: nothing of the batch was stored [HTTP-10]. */
export class BatchRefused extends ProtocolError {
  readonly status: number;
  readonly peerError: ErrorMessage | undefined;

  constructor(status: number, error: ProtocolError, peer: ErrorMessage | undefined) {
    super(error.errorName, `HTTP ${status}: ${error.message}`, error.fault);
    this.status = status;
    this.peerError = peer;
  }

  /** [HTTP-13] Posting the batch unchanged again may succeed: 429, 5xx. */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

export interface DrainResult {
  batches: number;
  /** Events the server's Acks covered, first sends and resends alike. */
  eventsAcked: number;
  /** Ack.commands_pending of the last answer: open a WebSocket for them [CMD-12]. */
  commandsPending: number;
  acks: Ack[];
  /** The source still holds items no 200 answer covered. */
  leftover: boolean;
}

export class HttpBatchLeg {
  readonly #o: HttpBatchLegOptions;
  readonly url: string;

  constructor(options: HttpBatchLegOptions) {
    this.#o = options;
    this.url = `${options.baseUrl.replace(/\/$/, "")}/v1/batch`;
  }

  get maxMessage(): number {
    return this.#o.maxMessage || WEBSOCKET_MAX_MESSAGE;
  }

  batch(messages: Message[], pending: StreamKey[]): Batch {
    const o = this.#o;
    return {
      hello: {
        majors: [...SPOKEN_MAJORS],
        minor: SPOKEN_MINOR,
        role: o.role ?? "app",
        deviceId: o.deviceId,
        features: o.features ?? Feature.commands | Feature.httpBatch,
        credential: o.credential,
        resumeToken: new Uint8Array(0),
        custody: [],
        maxMessage: 0,
        wakeBudgetMs: o.wakeBudgetMs ?? 0,
        pending,
      },
      messages,
    };
  }

  /** One POST; the Ack of a 200 answer, or BatchRefused. */
  async post(messages: Message[], pending: StreamKey[]): Promise<Ack> {
    const format = this.#o.format ?? "protobuf";
    const batch = this.batch(messages, pending);
    const body = format === "json" ? Buffer.from(JSON.stringify(batchToJson(batch))) : encodeBatch(batch);
    if (body.length > this.maxMessage) throw new ProtocolError("MESSAGE_TOO_LARGE", `batch of ${body.length} bytes > ${this.maxMessage} [HTTP-14]`, "local");
    const res = await (this.#o.fetch ?? fetch)(this.url, {
      method: "POST",
      headers: { "content-type": CONTENT_TYPE[format], accept: CONTENT_TYPE[format] },
      body,
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    const json = (res.headers.get("content-type") ?? "").startsWith("application/json");
    if (res.status === 200) return json ? ackFromJson(JSON.parse(Buffer.from(bytes).toString("utf8"))) : decodeAck(bytes);
    const peer = readError(bytes, json);
    throw new BatchRefused(res.status, peer ? peerError(peer) : statusError(res.status), peer);
  }

  /**
   * Posts what the source holds, batch after batch, each within max_message,
   * and frees what each answer covers. Stops when nothing is left, or when a
   * batch's answer covers nothing new (the rest stays in the source).
   */
  async drain(source: LegSource, now: () => number = () => performance.now()): Promise<DrainResult> {
    const result: DrainResult = { batches: 0, eventsAcked: 0, commandsPending: 0, acks: [], leftover: false };
    source.rewind();
    for (;;) {
      const pending = source.pending();
      if (pending.length === 0) return result;
      const messages = this.#fill(source, pending, now());
      if (messages.length === 0) return { ...result, leftover: true };
      const ack = await this.post(messages, pending);
      result.batches++;
      result.acks.push(ack);
      result.commandsPending = ack.commandsPending;
      const { covered, uncovered } = coverage(messages, ack);
      result.eventsAcked += covered;
      await source.acknowledge(ack.streams, "hop", now());
      if (uncovered.length > 0) {
        for (const u of uncovered) source.requeue(u.key, [u.range]);
        if (covered === 0) return { ...result, leftover: true };
      }
    }
  }

  #fill(source: LegSource, pending: StreamKey[], now: number): Message[] {
    // Room for the Hello and the Batch framing, then each message with its tag and length.
    let budget = this.maxMessage - encodeBatch(this.batch([], pending)).length - 8;
    const out: Message[] = [];
    while (budget > 16) {
      const m = source.next({ events: 0x7fffffff, bytes: budget, mayExceedBytes: false, maxMessage: budget - 6 }, now);
      if (!m) break;
      budget -= encodeMessage(m).length + 6;
      out.push(m);
    }
    return out;
  }
}

function coverage(messages: Message[], ack: Ack): { covered: number; uncovered: { key: StreamKey; range: { first: bigint; last: bigint } }[] } {
  let covered = 0;
  const uncovered: { key: StreamKey; range: { first: bigint; last: bigint } }[] = [];
  for (const m of messages) {
    const key = m.type === "events" ? m.events : m.type === "accounting" ? m.accounting : undefined;
    if (!key) continue;
    const sa = ack.streams.find((s) => s.stream === key.stream && s.epoch === key.epoch);
    if (m.type === "events") {
      m.events.payloads.forEach((_, i) => {
        const seq = m.events.firstSeq + BigInt(i);
        if (sa && covers(sa, seq)) covered++;
        else uncovered.push({ key, range: { first: seq, last: seq } });
      });
    } else if (m.type === "accounting") {
      for (const r of m.accounting.ranges) if (!sa || !coversRange(sa, r)) uncovered.push({ key, range: r });
    }
  }
  return { covered, uncovered };
}

function readError(bytes: Uint8Array, json: boolean): ErrorMessage | undefined {
  try {
    if (json) {
      const value: unknown = JSON.parse(Buffer.from(bytes).toString("utf8"));
      if (value && typeof value === "object" && "error" in value) {
        const m = messageFromJson(value);
        return m.type === "error" ? m.error : undefined;
      }
      return errorFromJson(value);
    }
    // The spec says "an Error message body": a Message{error}, or a bare Error.
    try {
      const m = decodeMessage(bytes);
      if (m.type === "error") return m.error;
    } catch {
      // not a Message: a bare Error, below
    }
    return decodeBareError(bytes);
  } catch {
    return undefined;
  }
}

/** No readable Error body: the table's first error with that status, else INTERNAL. */
function statusError(status: number): ProtocolError {
  const entry = ERROR_TABLE.find((e) => "httpStatus" in e && e.httpStatus === status);
  if (status === 415) return new ProtocolError("MALFORMED", "HTTP 415: content type refused [HTTP-11]", "local");
  return entry ? new ProtocolError(entry.name, `HTTP ${status}`, entry.fault === "sender" ? "local" : "remote") : new ProtocolError("INTERNAL", `HTTP ${status}`, "remote");
}
