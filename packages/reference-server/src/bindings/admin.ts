/**
 * The vendor application's API, behind the admin bearer token:
 *
 * - GET  /v1/events?cursor=N&limit=M      the delivery log after cursor N:
 *   events and accounted ranges, exactly once and in order per stream
 *   [ACK-12] [ACK-19]; the application stores `nextCursor` once it has
 *   processed the page, and asks again from there.
 * - POST /v1/devices/{hex}/commands       queue a command [CMD-2] [CMD-3];
 *   open sessions of the device get it at once [CMD-11].
 * - GET  /v1/devices/{hex}/commands/{id}  the outcome recorded for it [CMD-13].
 * - GET  /v1/devices/{hex}/streams?keys=S:E,...  custody and accounted
 *   ranges of the given (stream, epoch) pairs.
 *
 * Plain JSON, not the Ferry wire form: 64-bit numbers as decimal strings,
 * bytes as base64, device ids in hex.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { hex, isAdminToken, bearerToken, parseDeviceHex } from "../auth.js";
import type { Delivery, Store } from "../store/store.js";
import type { SessionRegistry } from "../session/registry.js";
import { readBody } from "./http-body.js";
import { sendJson } from "./http.js";

export interface AdminOptions {
  adminToken: string | undefined;
  store: Store;
  registry: SessionRegistry;
  now(): number;
  maxMessage: number;
}

const MAX_PAGE = 1000;
const U64 = /^(0|[1-9][0-9]{0,19})$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** True when the path belongs to the admin API (and was answered). */
export async function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL, o: AdminOptions): Promise<boolean> {
  const path = url.pathname;
  const device = path.match(/^\/v1\/devices\/([^/]+)\/(commands|streams)(?:\/([^/]+))?$/);
  if (path !== "/v1/events" && !device) return false;
  try {
    if (o.adminToken === undefined) throw new HttpError(404, "the admin API is off; start the server with --admin-token");
    if (!isAdminToken(bearerToken(req.headers.authorization), o.adminToken)) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="ferry-admin"');
      throw new HttpError(401, "admin bearer token required");
    }
    const answer = (status: number, body: unknown) => {
      sendJson(res, status, body);
      return true;
    };
    if (path === "/v1/events") {
      expect(req, "GET");
      return answer(200, await events(url, o));
    }
    const [, idHex, what, sub] = device!;
    const deviceId = parseDeviceHex(idHex!);
    if (!deviceId) throw new HttpError(400, "device id must be 1 to 16 bytes in hex");
    if (what === "streams" && sub === undefined) {
      expect(req, "GET");
      return answer(200, await streams(deviceId, url, o));
    }
    if (what === "commands" && sub === undefined) {
      expect(req, "POST");
      return answer(201, await enqueue(deviceId, req, url, o));
    }
    if (what === "commands" && sub !== undefined) {
      expect(req, "GET");
      return answer(200, await outcome(deviceId, sub, o));
    }
    throw new HttpError(404, "not found");
  } catch (e) {
    if (e instanceof HttpError) sendJson(res, e.status, { error: e.message });
    else sendJson(res, 500, { error: "internal error" });
    return true;
  }
}

function expect(req: IncomingMessage, method: string): void {
  if (req.method !== method) throw new HttpError(405, `use ${method}`);
}

async function events(url: URL, o: AdminOptions): Promise<unknown> {
  const cursorText = url.searchParams.get("cursor") ?? "0";
  const limitText = url.searchParams.get("limit") ?? "100";
  if (!U64.test(cursorText)) throw new HttpError(400, "cursor must be a decimal position");
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new HttpError(400, `limit must be 1 to ${MAX_PAGE}`);
  const cursor = BigInt(cursorText);
  const page = await o.store.readDeliveries(cursor, limit);
  const last = page[page.length - 1];
  return { deliveries: page.map(deliveryJson), nextCursor: String(last ? last.position : cursor) };
}

export function deliveryJson(d: Delivery): Record<string, unknown> {
  const common = { position: String(d.position), kind: d.kind, deviceId: hex(d.deviceId), epoch: d.epoch, stream: d.stream };
  if (d.kind === "event") {
    return { ...common, seq: String(d.seq), priority: d.priority, payload: Buffer.from(d.payload).toString("base64"), receivedAtMs: d.receivedAtMs };
  }
  return { ...common, first: String(d.first), last: String(d.last), reason: d.reason };
}

/** Body: JSON `{"payload": base64, "ttlMs"?: n}`, or raw bytes (application/octet-stream) with `?ttl_ms=n`. */
async function enqueue(deviceId: Uint8Array, req: IncomingMessage, url: URL, o: AdminOptions): Promise<unknown> {
  const body = await readBody(req, o.maxMessage * 2);
  if (body.kind === "too-large") throw new HttpError(413, "command too large");
  if (body.kind === "aborted") throw new HttpError(400, "request aborted");
  let payload: Uint8Array;
  let ttlMs: number;
  if ((req.headers["content-type"] ?? "").toLowerCase().startsWith("application/octet-stream")) {
    payload = body.bytes;
    ttlMs = Number(url.searchParams.get("ttl_ms") ?? "0");
  } else {
    let parsed: { payload?: unknown; ttlMs?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(body.bytes).toString("utf8"));
    } catch {
      throw new HttpError(400, 'body must be JSON {"payload": base64, "ttlMs"?: number}');
    }
    if (typeof parsed?.payload !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(parsed.payload)) throw new HttpError(400, "payload must be base64");
    payload = new Uint8Array(Buffer.from(parsed.payload, "base64"));
    ttlMs = parsed.ttlMs === undefined ? 0 : Number(parsed.ttlMs);
  }
  if (!Number.isInteger(ttlMs) || ttlMs < 0 || ttlMs > 0xffffffff) throw new HttpError(400, "ttlMs must be a uint32 (0: no expiry)");
  if (payload.length > o.maxMessage - 32) throw new HttpError(413, "command payload larger than a message allows");
  const id = await o.store.enqueueCommand(deviceId, payload, ttlMs, o.now());
  o.registry.commandsQueued(deviceId);
  return { deviceId: hex(deviceId), id: String(id) };
}

async function outcome(deviceId: Uint8Array, idText: string, o: AdminOptions): Promise<unknown> {
  if (!U64.test(idText)) throw new HttpError(400, "command id must be decimal");
  const result = await o.store.commandOutcome(deviceId, BigInt(idText));
  return { deviceId: hex(deviceId), id: idText, outcome: result?.outcome ?? null, scope: result?.scope ?? null };
}

async function streams(deviceId: Uint8Array, url: URL, o: AdminOptions): Promise<unknown> {
  const text = url.searchParams.get("keys");
  if (!text) throw new HttpError(400, "name the streams: ?keys=STREAM:EPOCH,STREAM:EPOCH");
  const keys = text.split(",").map((k) => {
    const m = k.match(/^(\d{1,10}):(\d{1,10})$/);
    const stream = Number(m?.[1]);
    const epoch = Number(m?.[2]);
    if (!m || stream > 0xffffffff || epoch < 1 || epoch > 0xffffffff) throw new HttpError(400, `bad key ${k}: STREAM:EPOCH, epoch non-zero`);
    return { stream, epoch };
  });
  if (keys.length > 256) throw new HttpError(400, "at most 256 keys");
  const custody = await o.store.custody(deviceId, keys);
  const out = [];
  for (const c of custody) {
    const accounted = await o.store.accounted(deviceId, { stream: c.stream, epoch: c.epoch });
    out.push({
      stream: c.stream,
      epoch: c.epoch,
      nextSeq: String(c.nextSeq),
      received: c.received.map((r) => ({ first: String(r.first), last: String(r.last) })),
      accounted: accounted.map((r) => ({ first: String(r.first), last: String(r.last), reason: r.reason })),
    });
  }
  return { deviceId: hex(deviceId), sessions: o.registry.sessionsOf(deviceId), streams: out };
}
