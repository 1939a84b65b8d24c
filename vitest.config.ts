import { defineConfig } from "vitest/config";

// One vitest run over every package, against sources: the "source" export
// condition resolves @ferry/* to src/ so no build is needed first.
export default defineConfig({
  resolve: { conditions: ["source"] },
  test: {
    projects: ["packages/*"],
  },
});
