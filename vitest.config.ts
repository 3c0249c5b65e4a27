import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The longest test files, longest first (per-file durations of a full run on 2 cores). With two
 * workers the run ends when the busier one does: a long file started last runs alone at the end.
 * Without a cache of earlier runs (a fresh CI checkout) vitest orders files by size, which put the
 * longest file, a short one, near the end.
 */
const LONGEST_FIRST = [
  "test/fuzz-emulator.test.ts",
  "test/batch-tools.test.ts",
  "test/http-transport.test.ts",
  "test/heartbeat.test.ts",
  "test/errors.test.ts",
  "test/files-transfer.test.ts",
  "test/protocol.test.ts",
  "test/startup.test.ts",
  "test/fuzz.test.ts",
];

/** Known long files first, in the order above; the rest as vitest orders them. */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONGEST_FIRST.findIndex((name) => f.moduleId.endsWith(name));
      return i === -1 ? LONGEST_FIRST.length : i;
    };
    const rest = await super.sort(files);
    return rest
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}

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
    sequence: { sequencer: LongestFirst },
    // CI also writes a machine-readable report, from which it prints a plain "N passed, N failed" line.
    reporters: process.env.CI ? ["default", ["json", { outputFile: "test-results.json" }]] : ["default"],
  },
});
