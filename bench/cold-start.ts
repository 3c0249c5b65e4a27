/**
 * 3. Cold start: from spawning the process to the answers of `initialize` and `tools/list`, against
 * a minimal one-tool server on the same SDK (the floor of a server on this stack), alternating.
 * The server keeps its tool listing in a cache between starts (see src/tools/listing-cache.ts), so
 * a start is measured both ways: with the listing a previous start cached (every start after the
 * first), and with an empty cache directory (the very first start, or a new build).
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
  const cacheDir = mkdtempSync(join(tmpdir(), "xai-grpc-mcp-bench-cache-"));
  const cached: number[] = [];
  const uncached: number[] = [];
  const minimal: number[] = [];
  const cachedInit: number[] = [];
  let record = false;
  const ops = [
    async () => {
      const r = await coldStart(SERVER_ENTRY, { ...env.serverEnv, XDG_CACHE_HOME: cacheDir });
      if (record) {
        cached.push(r.toolsListMs);
        cachedInit.push(r.initializeMs);
      }
    },
    async () => {
      const empty = mkdtempSync(join(tmpdir(), "xai-grpc-mcp-bench-nocache-"));
      try {
        const r = await coldStart(SERVER_ENTRY, { ...env.serverEnv, XDG_CACHE_HOME: empty });
        if (record) uncached.push(r.toolsListMs);
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    },
    async () => {
      const r = await coldStart(MINIMAL_ENTRY);
      if (record) minimal.push(r.toolsListMs);
    },
  ];
  env.log(`cold start: 2 warm-up + ${runs} spawns of each kind`);
  try {
    // The first spawns read the files from disk (and fill the listing cache), like a first start.
    await interleave(2, ops);
    record = true;
    await interleave(runs, ops);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  const c = summarize(cached);
  const u = summarize(uncached);
  const m = summarize(minimal);
  const ratio = c.p50 / m.p50;
  const firstRatio = u.p50 / m.p50;
  return {
    rows: [
      {
        measure: "3 cold start",
        metric: "spawn → initialize + tools/list p50",
        value: c.p50,
        unit: "ms",
        baseline: m.p50,
        ratio,
        target: `≤ ${TARGET}×`,
        ok: ratio <= TARGET,
      },
      {
        measure: "3 cold start",
        metric: "same, first start (no cached listing)",
        value: u.p50,
        unit: "ms",
        baseline: m.p50,
        ratio: firstRatio,
      },
    ],
    details: {
      runs,
      cached: {
        p50: round(c.p50),
        min: round(c.min),
        max: round(c.max),
        initializeP50: round(summarize(cachedInit).p50),
      },
      uncached: { p50: round(u.p50), min: round(u.min), max: round(u.max) },
      minimal: { p50: round(m.p50), min: round(m.min), max: round(m.max) },
      ratio: round(ratio),
      firstStartRatio: round(firstRatio),
    },
  };
}
