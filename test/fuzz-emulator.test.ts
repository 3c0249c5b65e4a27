/**
 * The fuzz suite against `xai-grpc-mcp --emulator`: the server and the emulator in one process, as a
 * user runs it. Every tool gets malformed arguments, half of them huge strings (10 MiB by default),
 * so whatever the emulator keeps of what it is sent (batches, files, collections, documents,
 * completions, video jobs, its call log) counts against the process's memory, which must stay under
 * 150 MB throughout (peak resident set, `VmHWM`). Larger runs through the environment:
 *
 * - `XAI_FUZZ_SEED` (default 20261127): the seed of the generator; a failure names it.
 * - `XAI_FUZZ_EMULATOR_CASES` (default 12): argument sets per tool (51 tools: 612 calls).
 * - `XAI_FUZZ_HUGE_MB` (default 10): the size of the huge strings, in MiB.
 * - `XAI_FUZZ_TRACE=1`: print the resident set after every call, to find what raises the peak.
 */
import { readFileSync } from "node:fs";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fuzzTools, KINDS, peakRss } from "./support/fuzz-kinds.js";
import { callTool, firstText, isAlive, type McpSession, startMcpServer } from "./support/mcp-client.js";

const SEED = Number(process.env.XAI_FUZZ_SEED ?? 20261127);
const CASES = Math.max(2, Number(process.env.XAI_FUZZ_EMULATOR_CASES ?? 12));
const HUGE_BYTES = Math.round(Number(process.env.XAI_FUZZ_HUGE_MB ?? 10) * 1024 * 1024);
/** The process's peak resident set size must stay under this, in bytes. */
const RSS_BOUND = 150 * 1024 * 1024;

const HUGE_KINDS = ["huge string", "array of big strings"].map((n) => KINDS.findIndex((k) => k.name === n));
const OTHER_KINDS = KINDS.map((_, i) => i).filter((i) => !HUGE_KINDS.includes(i));

/** Even cases are huge strings (the two huge kinds in turn), odd ones go through the other kinds. */
function kindOf(i: number): number {
  const pick =
    i % 2 === 0 ? HUGE_KINDS[(i / 2) % HUGE_KINDS.length] : OTHER_KINDS[((i - 1) / 2) % OTHER_KINDS.length];
  return pick as number;
}

/** The resident set size of a process now (`VmRSS`), in bytes. */
function rssNow(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb ?? 0) * 1024;
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

describe.runIf(process.platform === "linux")(
  `fuzzing every tool under --emulator (seed ${SEED}, ${CASES} cases each, huge = ${HUGE_BYTES} bytes)`,
  () => {
    let session: McpSession;
    let tools: Tool[];

    beforeAll(async () => {
      session = await startMcpServer({ XAI_MCP_LOG_LEVEL: "warning" }, ["--emulator"]);
      tools = (await session.client.listTools()).tools;
    });

    afterAll(async () => {
      await session?.close();
    });

    it("keeps the server and its emulator under 150 MB through the run, and still serving", async () => {
      const before = rssNow(session.pid);
      let lastRss = before;
      const { calls, failures } = await fuzzTools(session, tools, {
        seed: SEED,
        cases: CASES,
        huge: HUGE_BYTES,
        kinds: kindOf,
        each: (label) => {
          const now = rssNow(session.pid);
          const peakNow = peakRss(session.pid) ?? 0;
          if (process.env.XAI_FUZZ_TRACE) process.stderr.write(`${mib(now)} peak ${mib(peakNow)} ${label}\n`);
          lastRss = now;
        },
      });
      expect(failures).toEqual([]);
      expect(calls).toBe(tools.length * CASES);
      expect(isAlive(session.pid)).toBe(true);
      const normal = await callTool(session.client, "models_list_language_models", {});
      expect(normal.isError ?? false).toBe(false);
      expect(firstText(normal)).toContain("grok-4");
      const peak = peakRss(session.pid) ?? 0;
      process.stderr.write(
        `fuzz --emulator: ${calls} calls, RSS ${mib(before)} before, ${mib(lastRss)} after, peak ${mib(peak)}\n`,
      );
      expect(peak).toBeLessThan(RSS_BOUND);
    }, 600_000);
  },
);
