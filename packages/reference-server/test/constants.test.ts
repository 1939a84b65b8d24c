import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { WEBSOCKET_SUBPROTOCOL } from "../src/index.js";

describe("reference server bindings", () => {
  it("[WS-1] serves the subprotocol named in spec/version.json, carrying the major", () => {
    const version = JSON.parse(readFileSync(new URL("../../../spec/version.json", import.meta.url), "utf8"));
    expect(WEBSOCKET_SUBPROTOCOL).toBe(version.websocketSubprotocol);
    expect(WEBSOCKET_SUBPROTOCOL).toBe(`ferry.v${version.major}`);
  });
});
