import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bearerToken, Credentials, isAdminToken } from "../src/auth.js";
import { tempDir } from "./support/server-process.js";

const bytes = (s: string) => new TextEncoder().encode(s);
const id = (hex: string) => new Uint8Array(Buffer.from(hex, "hex"));

describe("credentials", () => {
  it("[SEC-1] [SEC-2] binds each token to its devices; '*' covers every device", () => {
    const c = new Credentials([
      ["app", new Set(["0A0B"])],
      ["backend", "*"],
    ]);
    expect(c.authenticate(bytes("app"), id("0a0b"))).toBe("ok");
    expect(c.authenticate(bytes("app"), id("0a0c"))).toBe("device-not-allowed");
    expect(c.authenticate(bytes("backend"), id("ffffffff"))).toBe("ok");
    expect(c.authenticate(bytes("nope"), id("0a0b"))).toBe("auth-failed");
    expect(c.authenticate(new Uint8Array(0), id("0a0b"))).toBe("auth-failed");
  });

  it("reads a tokens file and refuses a malformed one", () => {
    const dir = tempDir();
    const good = join(dir, "good.json");
    writeFileSync(good, JSON.stringify({ app: ["0a0b0c0d"], all: "*" }));
    expect(Credentials.fromFile(good).authenticate(bytes("app"), id("0a0b0c0d"))).toBe("ok");
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ app: ["not hex"] }));
    expect(() => Credentials.fromFile(bad)).toThrow(/hex/);
  });

  it("[HTTP-6] reads Bearer tokens; the admin token must match exactly", () => {
    expect(bearerToken("Bearer fy1.Zm9v=")).toBe("fy1.Zm9v=");
    expect(bearerToken("Basic xyz")).toBeUndefined();
    expect(isAdminToken("secret", "secret")).toBe(true);
    expect(isAdminToken("secreT", "secret")).toBe(false);
    expect(isAdminToken("secret", undefined)).toBe(false);
  });
});
