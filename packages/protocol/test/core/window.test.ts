/** Flow-control arithmetic shared by both sides of a connection [FLOW-1]. */
import { describe, expect, it } from "vitest";
import { ReceiveWindow, SendWindow, fitsWindow } from "../../src/core/window.js";

describe("window", () => {
  it("[FLOW-1] counts events and bytes in flight against the grant", () => {
    expect(fitsWindow({ events: 2, bytes: 100 }, 1, 60, 40)).toBe(true);
    expect(fitsWindow({ events: 2, bytes: 100 }, 1, 60, 41)).toBe(false);
    expect(fitsWindow({ events: 2, bytes: 100 }, 2, 0, 1)).toBe(false);
  });

  it("[FLOW-1] one event may be in flight when it is larger than the window's bytes", () => {
    expect(fitsWindow({ events: 1, bytes: 10 }, 0, 0, 500)).toBe(true);
    expect(fitsWindow({ events: 5, bytes: 10 }, 1, 500, 1)).toBe(false);
  });

  it("[FLOW-1] Window{0,0} stops the sender, even for one event", () => {
    expect(fitsWindow({ events: 0, bytes: 0 }, 0, 0, 1)).toBe(false);
    const w = new SendWindow({ events: 0, bytes: 0 });
    expect(w.allows(1)).toBe(false);
    w.set({ events: 1, bytes: 1 });
    expect(w.allows(1)).toBe(true);
  });

  it("[FLOW-1] a receiver enforces the largest grant of the connection, then the new one on the next connection", () => {
    const r = new ReceiveWindow({ events: 2, bytes: 100 });
    r.grant({ events: 1, bytes: 10 });
    expect(r.admit(50)).toBe(true);
    expect(r.admit(50)).toBe(true);
    expect(r.admit(1)).toBe(false);
    r.release(50);
    r.release(50);
    r.newConnection();
    expect(r.admit(50)).toBe(true); // one event may exceed the bytes
    expect(r.admit(1)).toBe(false);
  });
});
