/** The HTTP batch binding: batches in both forms, idempotent; refusals store nothing [HTTP-1]..[HTTP-16]. */
import type { Batch, Hello } from "@ferry/protocol";
import { expectThat, pass, type Case, type CaseContext } from "../../../runner/case.js";
import type { ServerTarget } from "../../../targets/server-target.js";
import { expectNothingStored } from "../expect.js";
import { request, postBatch, JSON_TYPE, PROTOBUF, type Answer } from "../http.js";
import { accountingOf, coversAll, freshEpoch, helloOf, runOf, streamAckOf } from "../messages.js";
import { custodyOf } from "../session.js";

type Ctx = CaseContext<ServerTarget>;
const HTTP = { features: ["http-batch"], bindings: ["http-batch"] } as const;
const STREAM = 11;

export function batchHello(ctx: Ctx, over: Partial<Hello> = {}): Hello {
  const m = helloOf(ctx.target.setup.deviceId, ctx.target.setup.credential, over);
  if (m.type !== "hello") throw new Error("unreachable");
  return m.hello;
}

const said = (a: Answer) => `${a.status} ${a.contentType}${a.error ? ` Error ${a.error.code}` : ""}${a.undecodable ? ` (body: ${a.undecodable})` : ""}`;

async function idempotentBatch(ctx: Ctx, form: "protobuf" | "json"): Promise<void> {
  const epoch = freshEpoch();
  const batch: Batch = {
    hello: batchHello(ctx, { pending: [{ stream: STREAM, epoch }] }),
    messages: [runOf(STREAM, epoch, 0n, 3, `batch-${form}`), accountingOf(STREAM, epoch, [{ first: 3n, last: 4n, reason: "expired" }])],
  };
  const want = form === "json" ? JSON_TYPE : PROTOBUF;
  for (const attempt of ["first post", "the same batch again (an answer lost)"]) {
    const a = await postBatch(ctx, batch, form, attempt);
    expectThat(a.status === 200 && a.ack !== undefined, { requirement: "HTTP-5", expected: `200 with an Ack to ${attempt}`, actual: said(a) });
    expectThat(a.contentType === want, { requirement: "HTTP-8", expected: `an answer in ${want}, the request's content type`, actual: a.contentType || "no content type" });
    const s = streamAckOf(a.ack.streams, STREAM, epoch);
    expectThat(s !== undefined && coversAll(s, 0n, 4n), { requirement: attempt.startsWith("first") ? "HTTP-5" : "HTTP-12", expected: `a StreamAck of (${STREAM},${epoch}) covering events 0..2 and accounted 3..4`, actual: s ? `next_seq ${s.nextSeq}` : "no StreamAck for it" });
  }
  const [custody] = await custodyOf(ctx, [{ stream: STREAM, epoch }]);
  expectThat(custody?.nextSeq === 5n, { requirement: "HTTP-12", expected: "custody next_seq 5 on the WebSocket leg after the batch posted twice", actual: `next_seq ${custody?.nextSeq}` });
  const handed = await ctx.target.controls.deliveries?.(ctx.target.setup.deviceId, epoch);
  if (handed) {
    const line = handed.map((h) => (h.kind === "event" ? `event ${h.seq}` : `accounted ${h.first}..${h.last}`)).join(", ");
    expectThat(line === "event 0, event 1, event 2, accounted 3..4", { requirement: "HTTP-12", expected: "each event and the accounting handed over once", actual: line });
  }
}

export const SRV_HTTP_01: Case<ServerTarget> = {
  id: "SRV-HTTP-01",
  title: "A protobuf batch is answered 200 with an Ack covering it, and posting it again stores nothing twice",
  cites: ["HTTP-2", "HTTP-5", "HTTP-8", "HTTP-12"],
  level: "MUST",
  role: "server",
  needs: HTTP,
  async run(ctx) {
    await idempotentBatch(ctx, "protobuf");
    return pass();
  },
};

export const SRV_HTTP_02: Case<ServerTarget> = {
  id: "SRV-HTTP-02",
  title: "A JSON batch is answered 200 with a JSON Ack covering it, and posting it again stores nothing twice",
  cites: ["HTTP-2", "HTTP-5", "HTTP-8", "HTTP-12"],
  level: "MUST",
  role: "server",
  needs: HTTP,
  async run(ctx) {
    await idempotentBatch(ctx, "json");
    return pass();
  },
};

export const SRV_HTTP_03: Case<ServerTarget> = {
  id: "SRV-HTTP-03",
  title: "A refused batch (bad credential, malformed JSON) gets its status and Error and stores nothing",
  cites: ["HTTP-10", "HTTP-3", "SEC-1", "HTTP-16"],
  level: "MUST",
  role: "server",
  needs: HTTP,
  async run(ctx) {
    const epoch = freshEpoch();
    const messages = [runOf(STREAM, epoch, 0n, 2, "refused-batch")];
    const bad = await postBatch(ctx, { hello: batchHello(ctx, { credential: new TextEncoder().encode(`${ctx.target.setup.credential}-not`) }), messages }, "protobuf", "with a wrong credential");
    expectThat(bad.status === 401 && bad.error?.code === 20, { requirement: "SEC-1", expected: "401 with Error AUTH_FAILED (20)", actual: said(bad) });
    const json = JSON.stringify({ hello: { majors: [1], role: "ROLE_APP", deviceId: "zz not base64" }, messages: [] });
    const malformed = await request(ctx, { body: json, contentType: JSON_TYPE, accept: JSON_TYPE, note: "(json) with a deviceId that is not base64" });
    expectThat(malformed.status === 400 && malformed.error?.code === 1, { requirement: "HTTP-16", expected: "400 with Error MALFORMED (1) for a body the schema refuses", actual: said(malformed) });
    await expectNothingStored(ctx, [{ stream: STREAM, epoch }], "HTTP-10", "the refused batch");
    return pass();
  },
};

export const SRV_HTTP_04: Case<ServerTarget> = {
  id: "SRV-HTTP-04",
  title: "The batch URL answers 415 to another content type and 405 to another method",
  cites: ["HTTP-11"],
  level: "MUST",
  role: "server",
  needs: HTTP,
  async run(ctx) {
    const text = await request(ctx, { body: "hello", contentType: "text/plain", note: "(text/plain)" });
    expectThat(text.status === 415, { requirement: "HTTP-11", expected: "415 for Content-Type text/plain", actual: said(text) });
    const get = await request(ctx, { method: "GET", note: "" });
    expectThat(get.status === 405, { requirement: "HTTP-11", expected: "405 for GET on the batch URL", actual: said(get) });
    return pass();
  },
};

export const SRV_HTTP_05: Case<ServerTarget> = {
  id: "SRV-HTTP-05",
  title: "GET /v1/health answers 200 without authentication",
  cites: ["HTTP-15"],
  level: "MUST",
  role: "server",
  needs: HTTP,
  async run(ctx) {
    const health = await request(ctx, { method: "GET", path: "/v1/health", note: "without credentials" });
    expectThat(health.status === 200, { requirement: "HTTP-15", expected: "200 from a server that accepts sessions and batches", actual: said(health) });
    return pass();
  },
};

export const HTTP_CASES: Case<ServerTarget>[] = [SRV_HTTP_01, SRV_HTTP_02, SRV_HTTP_03, SRV_HTTP_04, SRV_HTTP_05];
