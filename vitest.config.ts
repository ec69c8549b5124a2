import { defineConfig } from "vitest/config";

// CI reads a closing `N passed, N failed` line that .ci/run computes from vitest's JSON report,
// so under CI=true the suite also writes that report (the command stays exactly `npm test`).
const ci = process.env.CI === "true" || process.env.CI === "1";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: DuckDB and the fake servers share them with the test workers.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ci ? ["default", "json"] : ["default"],
    outputFile: ci ? { json: ".ci/out/vitest.json" } : undefined,
  },
});
