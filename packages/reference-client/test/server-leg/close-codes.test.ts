import { ERROR_TABLE, errorInfo } from "@ferry/protocol";
import { describe, expect, it } from "vitest";
import { closeError, closesConnection, peerError, retryActionOf } from "../../src/server-leg/close-codes.js";

describe("close codes and Errors as ProtocolErrors", () => {
  it("[WS-6] every close code of the error table maps to its error, with the table's fault and action", () => {
    for (const { code } of ERROR_TABLE) {
      const info = errorInfo(code)!;
      if (info.websocketClose === undefined) continue;
      const e = closeError(info.websocketClose, "why")!;
      expect(e.errorName, `close ${info.websocketClose}`).toBe(info.name);
      expect(e.fault).toBe(info.fault === "sender" ? "local" : "remote");
      expect(e.info.action).toBe(info.action);
    }
  });

  it("[WS-6] 1000, 1001 and a lost connection (1006) are not errors; an unknown 40xx reads INTERNAL", () => {
    expect(closeError(1000, "")).toBeUndefined();
    expect(closeError(1001, "")).toBeUndefined();
    expect(closeError(1006, "")).toBeUndefined();
    expect(closeError(4099, "")?.errorName).toBe("INTERNAL");
    expect(closeError(1011, "")?.errorName).toBe("INTERNAL");
    expect(closeError(1013, "")?.errorName).toBe("UNAVAILABLE");
  });

  it("[WS-7] only errors with a close code end the connection", () => {
    expect(closesConnection(20)).toBe(true);
    expect(closesConnection(31)).toBe(false);
    expect(closesConnection(40)).toBe(false);
    expect(closesConnection(22)).toBe(false);
  });

  it("[ERR-2] a server's Error: the sender's fault is ours (local); an unknown code reads INTERNAL", () => {
    expect(peerError({ code: 20, detail: "x" })).toMatchObject({ errorName: "AUTH_FAILED", fault: "local" });
    expect(peerError({ code: 72, detail: "x" })).toMatchObject({ errorName: "STORAGE_FULL", fault: "remote" });
    expect(peerError({ code: 999, detail: "x" })).toMatchObject({ errorName: "INTERNAL", fault: "remote" });
  });

  it("[WS-10] 4010, 4020, 4021, 4030 wait the longest backoff; 1001 resumes soon; the rest back off", () => {
    const action = (code: number) => retryActionOf(code, closeError(code, ""));
    expect([4010, 4020, 4021, 4030].map(action)).toEqual(["longest", "longest", "longest", "longest"]);
    expect(action(1001)).toBe("resume-soon");
    expect([1000, 1006, 1011, 1013, 4001, 4002, 4004, 4005, 4041, 4072].map(action)).toEqual(Array(10).fill("backoff"));
    // The Error that came before the close says why, whatever the close code.
    expect(retryActionOf(1000, peerError({ code: 20, detail: "" }))).toBe("longest");
  });
});
