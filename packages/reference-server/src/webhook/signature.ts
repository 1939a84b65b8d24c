/**
 * The webhook signature: `Ferry-Signature: t=<unix seconds>,v1=<hex>` where
 * hex = HMAC-SHA256(secret, "<t>.<raw body>"). The timestamp is signed so a
 * captured request cannot be replayed after the tolerance; several `v1`
 * entries (one per configured secret) let a vendor rotate secrets without a
 * window of failed verifications. Same shape as Stripe's, which receivers
 * already know how to check.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "Ferry-Signature";
/** Default tolerance of `verifyWebhookSignature`: 5 minutes either way. */
export const DEFAULT_SIGNATURE_TOLERANCE_S = 300;

type Bytes = string | Uint8Array;

function hmacHex(secret: Bytes, tS: number, body: Bytes): string {
  return createHmac("sha256", secret).update(`${tS}.`).update(body).digest("hex");
}

/** The header value for `body` sent at `tS`, signed with each secret in turn. */
export function signWebhook(secrets: readonly Bytes[], body: Bytes, tS: number): string {
  if (secrets.length === 0) throw new Error("a webhook needs at least one signing secret");
  if (!Number.isSafeInteger(tS) || tS < 0) throw new Error(`bad signature timestamp ${tS}`);
  return [`t=${tS}`, ...secrets.map((s) => `v1=${hmacHex(s, tS, body)}`)].join(",");
}

interface ParsedHeader {
  t: number;
  v1: Buffer[];
}

function parse(header: string): ParsedHeader | undefined {
  let t: number | undefined;
  const v1: Buffer[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) return undefined;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t") {
      if (t !== undefined || !/^\d{1,15}$/.test(value)) return undefined;
      t = Number(value);
    } else if (key === "v1" && /^[0-9a-fA-F]{64}$/.test(value)) {
      v1.push(Buffer.from(value, "hex"));
    }
    // Other schemes (a future v2) are skipped, so old receivers keep working.
  }
  return t === undefined || v1.length === 0 ? undefined : { t, v1 };
}

/**
 * True when `header` carries a `v1` signature of `body` by `secret` and its
 * timestamp is within `toleranceS` of `nowS`. `body` must be the raw bytes
 * received, before any JSON parsing. Comparison is constant-time.
 */
export function verifyWebhookSignature(
  secret: Bytes,
  header: string | undefined | null,
  body: Bytes,
  nowS: number,
  toleranceS: number = DEFAULT_SIGNATURE_TOLERANCE_S,
): boolean {
  if (typeof header !== "string") return false;
  const parsed = parse(header);
  if (!parsed || Math.abs(nowS - parsed.t) > toleranceS) return false;
  const expected = Buffer.from(hmacHex(secret, parsed.t, body), "hex");
  let ok = false;
  // Every candidate is compared, so timing does not tell which one matched.
  for (const candidate of parsed.v1) ok = timingSafeEqual(candidate, expected) || ok;
  return ok;
}
