/** Posting batches to POST {base}/v1/batch [HTTP-1], in protobuf or JSON, with the answer decoded and traced. */
import { ackFromJson, batchToJson, decodeAck, decodeMessage, encodeBatch, messageFromJson, type Ack, type Batch, type ErrorMessage, type Message } from "@ferry/protocol";
import { CaseUnsupported, TargetUnreachable, type CaseContext } from "../../runner/case.js";
import { summarize } from "../../runner/summarize.js";
import type { ServerTarget } from "../../targets/server-target.js";

export const PROTOBUF = "application/x-protobuf";
export const JSON_TYPE = "application/json";

export interface Answer {
  status: number;
  contentType: string;
  ack?: Ack;
  error?: ErrorMessage;
  /** Why the body did not decode as the status says it should. */
  undecodable?: string;
}

/** A bare Error's bytes as the Message whose `error` member (field 8) they are. */
function wrapAsError(error: Uint8Array): Uint8Array {
  const length: number[] = [];
  for (let n = error.length; ; n >>>= 7) {
    if (n < 0x80) {
      length.push(n);
      break;
    }
    length.push((n & 0x7f) | 0x80);
  }
  return new Uint8Array([0x42, ...length, ...error]);
}

export function batchBase(ctx: CaseContext<ServerTarget>): string {
  const base = ctx.target.httpUrl;
  if (!base) throw new CaseUnsupported("no HTTP base URL for the batch binding: give --http URL (or setup.httpUrl in the ICS)");
  return base.replace(/\/$/, "");
}

/** Sends a request to {base}{path} and decodes a Ferry answer (Ack on 200, Error otherwise). */
export async function request(ctx: CaseContext<ServerTarget>, init: { path?: string; method?: string; body?: Uint8Array | string; contentType?: string; accept?: string; note: string }): Promise<Answer> {
  const url = `${batchBase(ctx)}${init.path ?? "/v1/batch"}`;
  ctx.trace.record("app", "server", "http", `${init.method ?? "POST"} ${init.path ?? "/v1/batch"} ${init.note}`);
  const headers: Record<string, string> = {};
  if (init.contentType) headers["content-type"] = init.contentType;
  if (init.accept) headers.accept = init.accept;
  let res: Response;
  try {
    res = await fetch(url, { method: init.method ?? "POST", headers, ...(init.body !== undefined && { body: init.body }), signal: ctx.signal });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    if (cause === "ECONNREFUSED" || cause === "ENOTFOUND") throw new TargetUnreachable(`cannot reach ${url}: ${cause}`);
    throw e;
  }
  const contentType = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
  const body = new Uint8Array(await res.arrayBuffer());
  const answer: Answer = { status: res.status, contentType };
  try {
    const json = contentType === JSON_TYPE;
    if (res.status === 200) answer.ack = json ? ackFromJson(JSON.parse(Buffer.from(body).toString("utf8"))) : decodeAck(body);
    else if (body.length > 0) {
      // The body is a bare ferry.v1.Error [HTTP-10]: decoded as the `error` member of a Message.
      const m: Message = json ? messageFromJson({ error: JSON.parse(Buffer.from(body).toString("utf8")) as unknown }) : decodeMessage(wrapAsError(body));
      if (m.type === "error") answer.error = m.error;
    }
  } catch (e) {
    answer.undecodable = (e as Error).message;
  }
  const what = answer.ack ? summarize({ type: "ack", ack: answer.ack }) : answer.error ? `Error ${answer.error.code}` : answer.undecodable ? `undecodable: ${answer.undecodable}` : "";
  ctx.trace.record("server", "app", "http", `${res.status} ${contentType} ${what}`);
  return answer;
}

export function postBatch(ctx: CaseContext<ServerTarget>, batch: Batch, form: "protobuf" | "json", note: string): Promise<Answer> {
  const json = form === "json";
  const body = json ? JSON.stringify(batchToJson(batch)) : encodeBatch(batch);
  return request(ctx, { body, contentType: json ? JSON_TYPE : PROTOBUF, accept: json ? JSON_TYPE : PROTOBUF, note: `(${form}, ${batch.messages.length} messages) ${note}` });
}
