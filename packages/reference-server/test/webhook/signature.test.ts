import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhookSignature } from "../../src/webhook/signature.js";

const SECRET = "ferry-test-secret";
const BODY = '{"id":"x"}';
const T = 1_700_000_000;

describe("webhook signature", () => {
  it("[LIFE-12] has the form t=<unix seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.<body>\")>", () => {
    // Vector computed independently: printf '%s' '1700000000.{"id":"x"}' | openssl dgst -sha256 -hmac ferry-test-secret
    expect(signWebhook([SECRET], BODY, T)).toBe("t=1700000000,v1=f7d0be998bb8c7189e9a82ded63fd5dc98a153a93cc6d2ac24a726d9e37b5c8d");
  });

  it("verifies what it signs, string or bytes, within the tolerance", () => {
    const header = signWebhook([SECRET], BODY, T);
    expect(verifyWebhookSignature(SECRET, header, BODY, T)).toBe(true);
    expect(verifyWebhookSignature(new TextEncoder().encode(SECRET), header, new TextEncoder().encode(BODY), T + 300, 300)).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, BODY, T - 300, 300)).toBe(true);
  });

  it("refuses a changed body, another secret, a stale or future timestamp", () => {
    const header = signWebhook([SECRET], BODY, T);
    expect(verifyWebhookSignature(SECRET, header, '{"id":"y"}', T)).toBe(false);
    expect(verifyWebhookSignature("other", header, BODY, T)).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, BODY, T + 301, 300)).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, BODY, T - 301, 300)).toBe(false);
    // The timestamp is signed: moving it breaks the signature.
    expect(verifyWebhookSignature(SECRET, header.replace(`t=${T}`, `t=${T + 1}`), BODY, T)).toBe(false);
  });

  it("refuses malformed headers without throwing", () => {
    const v1 = signWebhook([SECRET], BODY, T).split(",")[1]!;
    for (const bad of [undefined, null, "", "garbage", `t=${T}`, v1, `t=abc,${v1}`, `t=${T},t=${T},${v1}`, `t=${T},v1=abcd`, `t=${T},${v1}0`]) {
      expect(verifyWebhookSignature(SECRET, bad, BODY, T), String(bad)).toBe(false);
    }
  });

  it("signs with every secret during a rotation, and either secret verifies", () => {
    const header = signWebhook(["old-secret", "new-secret"], BODY, T);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature("old-secret", header, BODY, T)).toBe(true);
    expect(verifyWebhookSignature("new-secret", header, BODY, T)).toBe(true);
    expect(verifyWebhookSignature("third", header, BODY, T)).toBe(false);
  });

  it("ignores unknown schemes so a later v2 does not break v1 receivers", () => {
    const header = `${signWebhook([SECRET], BODY, T)},v2=whatever`;
    expect(verifyWebhookSignature(SECRET, header, BODY, T)).toBe(true);
  });
});
