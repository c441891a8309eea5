import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript sources (the "@atv/source" export
// condition), so tests never need a build first.
const conditions = ["@atv/source", "node", "import", "module", "default"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ["{packages,apps}/*/{src,test}/**/*.test.ts", "{src,test}/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "threads",
    reporters: [
      "default",
      fileURLToPath(new URL("./scripts/summary-reporter.ts", import.meta.url)),
    ],
  },
});
