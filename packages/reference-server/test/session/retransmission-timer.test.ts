import { describe, expect, it } from "vitest";
import { RetransmissionTimer, WEBSOCKET_RETRANSMISSION } from "../../src/session/retransmission-timer.js";

describe("retransmission timer", () => {
  it("[ACK-18] starts at the first send with nothing in flight, 10 s on WebSocket; a later send does not move it", () => {
    const t = new RetransmissionTimer();
    expect(WEBSOCKET_RETRANSMISSION).toEqual({ initialMs: 10_000, maxMs: 60_000, expiries: 3 });
    expect(t.deadline).toBeUndefined();
    t.sent(1_000);
    t.sent(5_000);
    expect(t.deadline).toBe(11_000);
    expect(t.poll(10_999)).toBeUndefined();
  });

  it("[ACK-18] on expiry resends and doubles the timeout; the third expiry in a row gives up", () => {
    const t = new RetransmissionTimer();
    t.sent(0);
    expect(t.poll(10_000)).toBe("resend");
    expect(t.deadline).toBe(30_000);
    expect(t.poll(29_999)).toBeUndefined();
    expect(t.poll(30_000)).toBe("resend");
    expect(t.deadline).toBe(70_000);
    expect(t.poll(70_000)).toBe("give-up");
    expect(t.deadline).toBeUndefined();
    expect(t.poll(1_000_000)).toBeUndefined();
  });

  it("[ACK-18] doubling stops at the maximum", () => {
    const t = new RetransmissionTimer({ initialMs: 40_000, maxMs: 60_000, expiries: 5 });
    t.sent(0);
    expect(t.poll(40_000)).toBe("resend");
    expect(t.deadline).toBe(100_000);
    expect(t.poll(100_000)).toBe("resend");
    expect(t.deadline).toBe(160_000);
  });

  it("[ACK-18] progress restarts it at the initial timeout and clears the count; with nothing left in flight it stops", () => {
    const t = new RetransmissionTimer();
    t.sent(0);
    expect(t.poll(10_000)).toBe("resend");
    expect(t.poll(30_000)).toBe("resend");
    t.progress(31_000, true);
    expect(t.expiries).toBe(0);
    expect(t.deadline).toBe(41_000);
    expect(t.poll(41_000)).toBe("resend");
    t.progress(42_000, false);
    expect(t.deadline).toBeUndefined();
    t.sent(50_000);
    expect(t.deadline).toBe(60_000);
    t.stop();
    expect(t.poll(100_000)).toBeUndefined();
  });

  it("refuses a policy that cannot run", () => {
    expect(() => new RetransmissionTimer({ initialMs: 0, maxMs: 1, expiries: 3 })).toThrow(RangeError);
    expect(() => new RetransmissionTimer({ initialMs: 10, maxMs: 5, expiries: 3 })).toThrow(RangeError);
    expect(() => new RetransmissionTimer({ initialMs: 10, maxMs: 10, expiries: 0 })).toThrow(RangeError);
  });
});
