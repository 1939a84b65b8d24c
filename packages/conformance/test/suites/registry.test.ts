/** The registered cases: permanent ids of the form ROLE-AREA-NN, citing requirements that exist [CONF-11]. */
import { describe, expect, it } from "vitest";
import { requirementIndex } from "../../src/report/spec-files.js";
import { pass } from "../../src/runner/case.js";
import { CASE_ID, registeredCases, registerSuite } from "../../src/runner/registry.js";
import { registerBuiltins } from "../../src/suites/index.js";

registerBuiltins();

describe("registered cases", () => {
  const cases = registeredCases();

  it("[CONF-11] have unique ROLE-AREA-NN ids of their role", () => {
    const prefix = { server: "SRV", device: "DEV", app: "APP" } as const;
    for (const c of cases) {
      expect(c.id).toMatch(CASE_ID);
      expect(c.id.startsWith(prefix[c.role])).toBe(true);
    }
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it("[CONF-11] cite requirement ids of spec/requirements.json, at their level", () => {
    const index = requirementIndex();
    for (const c of cases) {
      expect(c.cites.length).toBeGreaterThan(0);
      for (const id of c.cites) expect(index.has(id), `${c.id} cites ${id}`).toBe(true);
      // A case is SHOULD-level only when all it checks is a recommendation.
      const levels = new Set(c.cites.map((id) => index.get(id)!.level));
      if (c.level === "SHOULD") expect(levels.has("MUST")).toBe(false);
    }
  });

  it("[CONF-11] registerSuite refuses malformed, misplaced and repeated ids", () => {
    const one = (id: string, role: "server" | "device" = "server") => ({ id, title: "t", cites: ["HS-6"], level: "MUST" as const, role, run: async () => pass() });
    expect(() => registerSuite({ name: "bad", role: "server", cases: [one("SRV-x-01")] })).toThrow("is not ROLE-AREA-NN");
    expect(() => registerSuite({ name: "bad", role: "server", cases: [one("DEV-X-01", "device")] as never })).toThrow("of role device in suite bad of role server");
    expect(() => registerSuite({ name: "bad", role: "server", cases: [one("SRV-HS-01")] })).toThrow("registered twice");
  });
});
