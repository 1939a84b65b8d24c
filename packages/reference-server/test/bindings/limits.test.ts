import { describe, expect, it } from "vitest";
import { AuthThrottle } from "../../src/auth-throttle.js";
import { closeCode } from "../../src/bindings/websocket.js";
import { FloodMeter } from "../../src/bindings/flood.js";
import { ReceiveWindow } from "../../src/session/receive-window.js";

describe("limits", () => {
  it("[WS-9] the default flood limit never touches 1,000 messages in 10 s, and stops a flood", () => {
    const meter = new FloodMeter({ intervalMs: 10_000, messages: 1000, bytes: 1 << 20 }, 0);
    for (let i = 0; i < 1000; i++) expect(meter.take(10, i * 9)).toBe(true);
    expect(meter.take(10, 9_999)).toBe(false);
    const next = new FloodMeter({ intervalMs: 10_000, messages: 1000, bytes: 1 << 20 }, 0);
    for (let i = 0; i < 1000; i++) next.take(10, 0);
    expect(next.take(10, 10_000)).toBe(true);
  });

  it("[WS-9] bytes count too", () => {
    const meter = new FloodMeter({ intervalMs: 10_000, messages: 1000, bytes: 100 }, 0);
    expect(meter.take(100, 0)).toBe(true);
    expect(meter.take(1, 0)).toBe(false);
  });

  it("slows down a source that keeps failing authentication, and only that source", () => {
    let now = 0;
    const t = new AuthThrottle({ failures: 2, intervalMs: 60_000 }, () => now);
    t.failed("10.0.0.1");
    expect(t.blocked("10.0.0.1")).toBe(false);
    t.failed("10.0.0.1");
    expect(t.blocked("10.0.0.1")).toBe(true);
    expect(t.blocked("10.0.0.2")).toBe(false);
    now = 60_000;
    expect(t.blocked("10.0.0.1")).toBe(false);
  });

  it("[FLOW-1] [FLOW-4] [FLOW-5] the receive window admits events in order, one oversized event alone, nothing at zero", () => {
    const w = new ReceiveWindow({ events: 3, bytes: 10 });
    const run = (first: bigint, sizes: number[]) => ({ stream: 1, firstSeq: first, priority: "bulk" as const, ttlMs: 0, epoch: 1, payloads: sizes.map((n) => new Uint8Array(n)), signatures: [] });
    expect(w.admit(run(0n, [4, 4, 4])).firstRefused).toBe(2n);
    w.release(2, 8);
    expect(w.admit(run(2n, [50])).firstRefused).toBeUndefined();
    expect(w.admit(run(3n, [1])).firstRefused).toBe(3n);
    const zero = new ReceiveWindow({ events: 0, bytes: 0 });
    expect(zero.admit(run(0n, [1]))).toEqual({ firstRefused: 0n });
  });

  it("[WS-6] close codes come from the error table", () => {
    expect(closeCode("MALFORMED")).toBe(4001);
    expect(closeCode("RATE_LIMITED")).toBe(4041);
    expect(closeCode("INTERNAL")).toBe(1011);
    expect(closeCode("UNAVAILABLE")).toBe(1013);
    expect(closeCode("normal")).toBe(1000);
    expect(closeCode("going-away")).toBe(1001);
  });
});
