/**
 * 3. Cold start: from spawning the process to the answers of `initialize` and `tools/list`, against
 * a minimal one-tool server on the same SDK (the floor of a server on this stack), alternating.
 * Every spawn of the server gets a fresh, empty HOME: nothing is cached between starts (the listing
 * is generated at build time, see scripts/generate-listing.ts), so every start is a first start.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BenchEnv, type Measured, round } from "./support/bench-env.js";
import { coldStart, MINIMAL_ENTRY, SERVER_ENTRY } from "./support/processes.js";
import { interleave, summarize } from "./support/stats.js";

const TARGET = 1.3;

export async function measureColdStart(env: BenchEnv): Promise<Measured> {
  const runs = env.quick ? 6 : 20;
  const ours: number[] = [];
  const oursInit: number[] = [];
  const minimal: number[] = [];
  let record = false;
  const ops = [
    async () => {
      const home = mkdtempSync(join(tmpdir(), "xai-grpc-mcp-bench-home-"));
      try {
        const r = await coldStart(SERVER_ENTRY, { ...env.serverEnv, HOME: home });
        if (record) {
          ours.push(r.toolsListMs);
          oursInit.push(r.initializeMs);
        }
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
    async () => {
      const r = await coldStart(MINIMAL_ENTRY);
      if (record) minimal.push(r.toolsListMs);
    },
  ];
  env.log(`cold start: 2 warm-up + ${runs} spawns of each kind`);
  // The first spawns read the files from disk into the page cache, for both alike.
  await interleave(2, ops);
  record = true;
  await interleave(runs, ops);
  const o = summarize(ours);
  const m = summarize(minimal);
  const ratio = o.p50 / m.p50;
  return {
    rows: [
      {
        measure: "3 cold start",
        metric: "spawn → initialize + tools/list p50 (fresh HOME)",
        value: o.p50,
        unit: "ms",
        baseline: m.p50,
        ratio,
        target: `≤ ${TARGET}×`,
        ok: ratio <= TARGET,
      },
    ],
    details: {
      runs,
      ours: {
        p50: round(o.p50),
        min: round(o.min),
        max: round(o.max),
        initializeP50: round(summarize(oursInit).p50),
      },
      minimal: { p50: round(m.p50), min: round(m.min), max: round(m.max) },
      ratio: round(ratio),
    },
  };
}
