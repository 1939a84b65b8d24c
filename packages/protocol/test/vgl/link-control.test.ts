/**
 * Link control (10.2): CONNECT, CONNECTED and DISCONNECT, their layouts,
 * unknown opcodes, and payloads that do not fit.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DISCONNECT_REASON, decodeLinkControl, encodeLinkControl, type LinkControl } from "../../src/vgl/index.js";
import { bytes, hexOf } from "./helpers.js";

/** Names of at most 248 UTF-8 bytes (at most 4 bytes a code point). */
const nameArb = fc.string({ unit: "grapheme", maxLength: 62 }).filter((s) => new TextEncoder().encode(s).length <= 248);
const controlArb: fc.Arbitrary<LinkControl> = fc.oneof(
  fc.record({ type: fc.constant("connect" as const), vglVersion: fc.nat(0xff) }),
  fc.record({ type: fc.constant("connected" as const), vglVersion: fc.nat(0xff), name: nameArb }),
  fc.record({ type: fc.constant("disconnect" as const), reason: fc.nat(0xff) }),
);

describe("VGL link control", () => {
  it("[VGL-3] CONNECT is 01 then vgl_version; CONNECTED is 02, vgl_version, then the name in UTF-8", () => {
    expect(hexOf(encodeLinkControl({ type: "connect", vglVersion: 1 }))).toBe("01 01");
    expect(hexOf(encodeLinkControl({ type: "connected", vglVersion: 1, name: "" }))).toBe("02 01");
    expect(hexOf(encodeLinkControl({ type: "connected", vglVersion: 1, name: "é" }))).toBe("02 01 c3 a9");
    expect(decodeLinkControl(bytes("02 01 66 65 72 72 79"))).toEqual({ ok: true, control: { type: "connected", vglVersion: 1, name: "ferry" } });
  });

  it("[VGL-4] DISCONNECT is 03 then the reason: 0x13, 0x08, 0x16", () => {
    expect(DISCONNECT_REASON).toEqual({ REMOTE_USER_TERMINATED: 0x13, SUPERVISION_TIMEOUT: 0x08, LOCAL_HOST_TERMINATED: 0x16 });
    for (const reason of [0x13, 0x08, 0x16]) {
      const payload = encodeLinkControl({ type: "disconnect", reason });
      expect(payload).toEqual(Uint8Array.of(0x03, reason));
      expect(decodeLinkControl(payload)).toEqual({ ok: true, control: { type: "disconnect", reason } });
    }
  });

  it("[VGL-3] [VGL-4] every link-control message round-trips, and bytes that decode re-encode to themselves", () => {
    fc.assert(
      fc.property(controlArb, (control) => {
        expect(decodeLinkControl(encodeLinkControl(control))).toEqual({ ok: true, control });
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 260 }), (payload) => {
        const r = decodeLinkControl(payload);
        if (r.ok) expect(encodeLinkControl(r.control)).toEqual(payload);
      }),
    );
  });

  it("[VGL-3] an unknown opcode, or no opcode, is ignored", () => {
    for (const payload of ["", "00", "04 01", "ff"]) {
      expect(decodeLinkControl(bytes(payload))).toMatchObject({ ok: false, error: { code: "LINK_CONTROL_UNKNOWN", reaction: { action: "ignore" } } });
    }
  });

  it.each([
    ["CONNECT without vgl_version", "01"],
    ["CONNECT with trailing bytes", "01 01 00"],
    ["CONNECTED without vgl_version", "02"],
    ["CONNECTED with a name that is not UTF-8", "02 01 ff fe"],
    ["CONNECTED with a name of 249 bytes", `02 01 ${"61 ".repeat(249)}`],
    ["DISCONNECT without reason", "03"],
    ["DISCONNECT with trailing bytes", "03 16 00"],
  ])("[VGL-3] [VGL-4] %s ends the connection with DISCONNECT 0x16", (_what, hex) => {
    expect(decodeLinkControl(bytes(hex))).toMatchObject({
      ok: false,
      error: { code: "LINK_CONTROL_MALFORMED", fault: "remote", reaction: { action: "disconnect", reason: 0x16 } },
    });
  });

  it("[VGL-3] the encoder refuses a name above 248 UTF-8 bytes and fields above a byte", () => {
    expect(encodeLinkControl({ type: "connected", vglVersion: 1, name: "a".repeat(248) })).toHaveLength(250);
    expect(() => encodeLinkControl({ type: "connected", vglVersion: 1, name: "é".repeat(125) })).toThrow(
      expect.objectContaining({ code: "FIELD_INVALID", fault: "local" }),
    );
    expect(() => encodeLinkControl({ type: "connect", vglVersion: 256 })).toThrow(expect.objectContaining({ code: "FIELD_INVALID" }));
    expect(() => encodeLinkControl({ type: "disconnect", reason: -1 })).toThrow(expect.objectContaining({ code: "FIELD_INVALID" }));
  });
});
