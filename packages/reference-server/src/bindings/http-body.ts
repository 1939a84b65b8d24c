/**
 * Request bodies and content types of the HTTP batch binding: the two Ferry
 * media types [HTTP-2], answer negotiation [HTTP-8], and reading a body no
 * further than the limit [HTTP-14] [SEC-13].
 */
import type { IncomingMessage } from "node:http";

export type FerryMediaType = "protobuf" | "json";

export const MEDIA_TYPE: Record<FerryMediaType, string> = {
  protobuf: "application/x-protobuf",
  json: "application/json",
};

/** The media type without parameters (`; charset=utf-8` is ignored), lower case. */
function essence(value: string): string {
  return value.split(";")[0]!.trim().toLowerCase();
}

export function requestMediaType(contentType: string | undefined): FerryMediaType | undefined {
  if (contentType === undefined) return undefined;
  const t = essence(contentType);
  if (t === MEDIA_TYPE.protobuf) return "protobuf";
  if (t === MEDIA_TYPE.json) return "json";
  return undefined;
}

function accepted(accept: string | undefined): Set<string> {
  return new Set((accept ?? "").split(",").map(essence).filter((t) => t.length > 0));
}

/**
 * [HTTP-8] The request's type, unless Accept lists the other Ferry type and
 * not the request's. With no usable request type (a 415), protobuf unless
 * Accept asks for JSON (chapter 12.3).
 */
export function answerMediaType(request: FerryMediaType | undefined, accept: string | undefined): FerryMediaType {
  const a = accepted(accept);
  const lists = (t: FerryMediaType) => a.has(MEDIA_TYPE[t]);
  if (request === undefined) return lists("json") && !lists("protobuf") ? "json" : "protobuf";
  const other: FerryMediaType = request === "json" ? "protobuf" : "json";
  return lists(other) && !lists(request) ? other : request;
}

export type BodyResult = { kind: "ok"; bytes: Uint8Array } | { kind: "too-large"; declared: boolean } | { kind: "aborted" };

/**
 * Reads the body, refusing as soon as it is known to be larger than `limit`:
 * from Content-Length before reading anything, or while reading chunked
 * input, without buffering past the limit.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ kind: "too-large", declared: true });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: BodyResult) => {
      if (done) return;
      done = true;
      req.off("data", onData);
      resolve(r);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.pause();
        return finish({ kind: "too-large", declared: false });
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () => finish({ kind: "ok", bytes: new Uint8Array(Buffer.concat(chunks, size)) }));
    req.on("error", () => finish({ kind: "aborted" }));
    req.on("close", () => finish({ kind: "aborted" }));
  });
}
