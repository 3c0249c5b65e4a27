import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores on CI: more workers only add contention to the spawned servers under test.
    maxWorkers: 2,
    // Test files share their workers' module cache: the generated code, the emulator and the SDK
    // load once per worker instead of once per file (a quarter of the suite's CPU time). The tests
    // keep no state in modules; each starts its own servers and emulators.
    isolate: false,
    // CI also writes a machine-readable report, from which it prints a plain "N passed, N failed" line.
    reporters: process.env.CI ? ["default", ["json", { outputFile: "test-results.json" }]] : ["default"],
  },
});
