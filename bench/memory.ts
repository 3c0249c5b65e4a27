/**
 * 5. Memory: the resident set of a fresh server after it started (and listed its tools), and after
 * 10,000 calls (nine in ten `models_get_language_model`, one in ten `chat_get_completion`, eight in
 * flight), sampled every 1,000 calls so that a leak shows as a slope rather than a step. Beside it,
 * the one-tool echo server of the same SDK takes as many calls with the same arguments: what the
 * MCP half alone does to the resident set.
 */
import { CALL_CASES } from "./call-overhead.js";
import { type BenchEnv, type Measured, round } from "./support/bench-env.js";
import { ECHO_ENTRY, type McpSession, rssMiB, SERVER_ENTRY, startSession } from "./support/processes.js";

const RSS_TARGET_MB = 100;
/** Growth after warm-up: from the sample at 1,000 calls to the end. */
const GROWTH_TARGET_MB = 5;
const IN_FLIGHT = 8;

interface Trace {
  readonly start: number;
  readonly end: number;
  readonly peak: number;
  readonly samples: { calls: number; rssMiB: number }[];
}

/** Starts a session, reads its RSS, runs `calls` calls of `pick(i)`, reads it again. */
async function trace(
  session: McpSession,
  calls: number,
  pick: (i: number) => { tool: string; args: Record<string, unknown> },
): Promise<Trace> {
  await session.client.listTools();
  // Let start-up work (and its garbage) settle before the first reading.
  await new Promise((r) => setTimeout(r, 500));
  const start = rssMiB(session.pid);
  const samples = [{ calls: 0, rssMiB: round(start) }];
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < calls) {
      const { tool, args } = pick(next++);
      await session.call(tool, args);
      done += 1;
      if (done % 1000 === 0) samples.push({ calls: done, rssMiB: round(rssMiB(session.pid)) });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  await new Promise((r) => setTimeout(r, 500));
  const end = rssMiB(session.pid);
  return { start, end, peak: Math.max(end, ...samples.map((s) => s.rssMiB)), samples };
}

export async function measureMemory(env: BenchEnv): Promise<Measured> {
  const calls = env.quick ? 2000 : 10_000;
  const caseOf = (i: number) => CALL_CASES[i % 10 === 9 ? 1 : 0] as (typeof CALL_CASES)[number];
  env.log(`memory: ${calls} calls, ${IN_FLIGHT} in flight, through the server and the echo server`);
  const ours = await startSession(SERVER_ENTRY, env.serverEnv);
  let o: Trace;
  try {
    o = await trace(ours, calls, (i) => ({ tool: caseOf(i).tool, args: caseOf(i).args }));
  } finally {
    await ours.close();
  }
  const echo = await startSession(ECHO_ENTRY);
  let e: Trace;
  try {
    e = await trace(echo, calls, (i) => ({ tool: "echo", args: caseOf(i).args }));
  } finally {
    await echo.close();
  }
  const growth = o.end - o.start;
  // From the first sample on: the gRPC client, its channel and the code the first calls compile
  // are in place, so what still grows is what a leak would add.
  const warm = o.samples[1]?.rssMiB ?? o.start;
  return {
    rows: [
      {
        measure: "5 memory",
        metric: "RSS after start",
        value: o.start,
        unit: "MB",
        baseline: e.start,
        target: `≤ ${RSS_TARGET_MB} MB`,
        ok: o.start <= RSS_TARGET_MB,
      },
      {
        measure: "5 memory",
        metric: `RSS after ${calls} calls (peak ${Math.round(o.peak)})`,
        value: o.end,
        unit: "MB",
        baseline: e.end,
        target: `≤ ${RSS_TARGET_MB} MB`,
        ok: o.peak <= RSS_TARGET_MB,
      },
      {
        measure: "5 memory",
        metric: `growth over ${calls} calls`,
        value: growth,
        unit: "MB",
        baseline: e.end - e.start,
      },
      {
        measure: "5 memory",
        metric: `growth from call 1000 to ${calls}`,
        value: o.end - warm,
        unit: "MB",
        baseline: e.end - (e.samples[1]?.rssMiB ?? e.start),
        target: `≤ ${GROWTH_TARGET_MB} MB`,
        ok: o.end - warm <= GROWTH_TARGET_MB,
      },
    ],
    details: {
      calls,
      ours: { startMiB: round(o.start), endMiB: round(o.end), peakMiB: round(o.peak), samples: o.samples },
      echo: { startMiB: round(e.start), endMiB: round(e.end), peakMiB: round(e.peak), samples: e.samples },
    },
  };
}
