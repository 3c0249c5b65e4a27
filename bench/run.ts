/**
 * `npm run bench [-- --quick] [--cpu-prof] [--only=calls,streaming,cold,footprint,memory,concurrency,redaction,http]`
 *
 * Runs every measurement against one emulator on 127.0.0.1 (in a process of its own, like the
 * server under test and the baselines), over real stdio and real gRPC, with
 * each comparison side by side in the same run so that a noisy machine weighs on both sides; prints
 * a table with the ratios and writes everything to bench/results/latest.json. With `--cpu-prof`
 * every spawned server writes a CPU profile to bench/results/profiles/ when it exits.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { measureCallOverhead } from "./call-overhead.js";
import { measureColdStart } from "./cold-start.js";
import { measureConcurrency } from "./concurrency.js";
import { measureFootprint } from "./footprint.js";
import { measureHttp } from "./http.js";
import { measureMemory } from "./memory.js";
import { measureRedaction } from "./redaction.js";
import { measureStreaming } from "./streaming.js";
import type { BenchEnv, Measured } from "./support/bench-env.js";
import { DirectGrpc } from "./support/direct-grpc.js";
import { startEmulatorProcess } from "./support/emulator-process.js";
import { describeMachine } from "./support/machine.js";
import { RESULTS_DIR, setServerNodeArgs } from "./support/processes.js";
import { formatTable, type Row } from "./support/report.js";

/** The measurements by name, in the order they run: process spawns first, while the run is fresh. */
const MEASURES: Readonly<Record<string, (env: BenchEnv) => Promise<Measured>>> = {
  footprint: measureFootprint,
  cold: measureColdStart,
  calls: measureCallOverhead,
  streaming: measureStreaming,
  concurrency: measureConcurrency,
  memory: measureMemory,
  http: measureHttp,
  redaction: measureRedaction,
};

function parseArgs(argv: readonly string[]): { quick: boolean; only: string[]; profile: boolean } {
  let quick = false;
  let profile = false;
  let only = Object.keys(MEASURES);
  for (const arg of argv) {
    if (arg === "--quick") quick = true;
    else if (arg === "--cpu-prof") profile = true;
    else if (arg.startsWith("--only=")) only = arg.slice(7).split(",").filter(Boolean);
    else
      throw new Error(`unknown argument ${arg}; use --quick and --only=${Object.keys(MEASURES).join(",")}`);
  }
  for (const name of only) if (!MEASURES[name]) throw new Error(`unknown measure "${name}"`);
  return { quick, only, profile };
}

async function main(): Promise<void> {
  const { quick, only, profile } = parseArgs(process.argv.slice(2));
  // Each server process writes a CPU profile when it exits, for `node --cpu-prof`-style digging.
  if (profile) setServerNodeArgs(["--cpu-prof", `--cpu-prof-dir=${RESULTS_DIR}profiles`]);
  const machine = describeMachine();
  const emulator = await startEmulatorProcess();
  const { apiKey, managementKey } = emulator;
  const direct = new DirectGrpc(emulator.address, apiKey);
  // The servers get a HOME of this run's: they must write nothing there, and never the user's.
  const home = mkdtempSync(join(tmpdir(), "xai-grpc-mcp-bench-"));
  const env: BenchEnv = {
    emulator,
    direct,
    quick,
    serverEnv: {
      XAI_API_KEY: apiKey,
      XAI_API_HOST: emulator.url,
      XAI_MANAGEMENT_KEY: managementKey,
      XAI_MANAGEMENT_API_HOST: emulator.url,
      HOME: home,
    },
    log: (m) => process.stderr.write(`  ${m}\n`),
  };
  process.stderr.write(
    `benchmarks${quick ? " (quick)" : ""} on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverage.join(" ")}\n`,
  );
  const started = Date.now();
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  try {
    for (const name of only) {
      const measure = MEASURES[name] as (env: BenchEnv) => Promise<Measured>;
      const t = Date.now();
      const result = await measure(env);
      rows.push(...result.rows);
      details[name] = result.details;
      env.log(`${name}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
  } finally {
    direct.close();
    await emulator.close();
    rmSync(home, { recursive: true, force: true });
  }
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`\n${formatTable(rows)}\n\n`);
  const missed = rows.filter((r) => r.ok === false);
  process.stdout.write(
    `${missed.length === 0 ? "all targets met" : `${missed.length} target(s) missed`} in ${seconds.toFixed(0)} s\n`,
  );
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = `${RESULTS_DIR}latest.json`;
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), quick, seconds, machine, rows, details }, null, 2)}\n`,
  );
  process.stdout.write(`results written to ${file}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
