import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["source", "import", "default"] },
  ssr: { resolve: { conditions: ["source", "import", "default"] } },
  test: { name: "protocol", include: ["test/**/*.test.ts"], setupFiles: ["test/setup.ts"], testTimeout: 30_000 },
});
