import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CHARACTERISTICS, FERRY_SERVICE_UUID } from "../src/index.js";

describe("reference client GATT constants", () => {
  it("[GATT-1] come from spec/gatt.json", () => {
    const gatt = JSON.parse(readFileSync(new URL("../../../spec/gatt.json", import.meta.url), "utf8"));
    expect(FERRY_SERVICE_UUID).toBe(gatt.service.uuid);
    expect(Object.keys(CHARACTERISTICS).sort()).toEqual(["control", "downlink", "info", "uplink"]);
  });
});
