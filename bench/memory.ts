/**
 * 5. Memory: the resident set of a fresh server after it started (and listed its tools), and after
 * 10,000 calls (nine in ten `models_get_language_model`, one in ten `chat_get_completion`, eight in
 * flight), sampled along the way so that a leak shows as a slope rather than a step.
 */
import { CALL_CASES } from "./call-overhead.js";
import { type BenchEnv, type Measured, round } from "./support/bench-env.js";
import { rssMiB, SERVER_ENTRY, startSession } from "./support/processes.js";

const RSS_TARGET_MB = 100;
const GROWTH_TARGET_MB = 10;
const IN_FLIGHT = 8;

export async function measureMemory(env: BenchEnv): Promise<Measured> {
  const calls = env.quick ? 2000 : 10_000;
  const session = await startSession(SERVER_ENTRY, env.serverEnv);
  try {
    await session.client.listTools();
    // Let start-up work (and its garbage) settle before the first reading.
    await new Promise((r) => setTimeout(r, 500));
    const start = rssMiB(session.pid);
    const samples: { calls: number; rssMiB: number }[] = [{ calls: 0, rssMiB: round(start) }];
    env.log(`memory: ${calls} calls, ${IN_FLIGHT} in flight`);
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < calls) {
        const i = next++;
        const c = CALL_CASES[i % 10 === 9 ? 1 : 0] as (typeof CALL_CASES)[number];
        await session.call(c.tool, c.args);
        done += 1;
        if (done % 1000 === 0) samples.push({ calls: done, rssMiB: round(rssMiB(session.pid)) });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await new Promise((r) => setTimeout(r, 500));
    const end = rssMiB(session.pid);
    const growth = end - start;
    const peak = Math.max(...samples.map((s) => s.rssMiB), end);
    return {
      rows: [
        {
          measure: "5 memory",
          metric: "RSS after start",
          value: start,
          unit: "MB",
          target: `≤ ${RSS_TARGET_MB} MB`,
          ok: start <= RSS_TARGET_MB,
        },
        {
          measure: "5 memory",
          metric: `RSS after ${calls} calls`,
          value: end,
          unit: "MB",
          target: `≤ ${RSS_TARGET_MB} MB`,
          ok: peak <= RSS_TARGET_MB,
        },
        {
          measure: "5 memory",
          metric: `growth over ${calls} calls`,
          value: growth,
          unit: "MB",
          target: `≤ ${GROWTH_TARGET_MB} MB`,
          ok: growth <= GROWTH_TARGET_MB,
        },
      ],
      details: { calls, startMiB: round(start), endMiB: round(end), peakMiB: round(peak), samples },
    };
  } finally {
    await session.close();
  }
}
