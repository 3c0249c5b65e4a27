/**
 * Fuzzes every tool with malformed arguments through a real MCP client, against the built server
 * and an emulator (in the test process, so that the server's memory is measured alone). Seeded and bounded; larger runs through the environment:
 *
 * - `XAI_FUZZ_SEED` (default 20261127): the seed of the generator; a failure names it.
 * - `XAI_FUZZ_CASES` (default 26, at least 25): argument sets per tool, cycling through every kind.
 * - `XAI_FUZZ_HUGE_MB` (default 1): the size of the "huge string" cases, in MiB (the issue's run: 10).
 *
 * Each call must come back as a result (never a JSON-RPC error, a crash or a hang): an `isError`
 * result, naming the field when the arguments were refused, or a valid answer. Afterwards the server
 * still answers a normal call, and its peak resident memory stayed under the bound.
 */
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorSession, startEmulatorSession } from "./support/emulator-session.js";
import { fuzzTools, peakRss } from "./support/fuzz-kinds.js";
import { callTool, firstText, isAlive, type McpSession } from "./support/mcp-client.js";

const SEED = Number(process.env.XAI_FUZZ_SEED ?? 20261127);
const CASES = Math.max(25, Number(process.env.XAI_FUZZ_CASES ?? 26));
const HUGE_BYTES = Math.round(Number(process.env.XAI_FUZZ_HUGE_MB ?? 1) * 1024 * 1024);
/** The server's peak resident set size must stay under this, in bytes. */
const RSS_BOUND = 150 * 1024 * 1024;

describe(`fuzzing every tool (seed ${SEED}, ${CASES} cases each, huge = ${HUGE_BYTES} bytes)`, () => {
  let emulated: EmulatorSession;
  let session: McpSession;
  let tools: Tool[];

  beforeAll(async () => {
    emulated = await startEmulatorSession();
    session = emulated.mcp;
    tools = (await session.client.listTools()).tools;
  });

  afterAll(async () => {
    await emulated?.close();
  });

  it("answers every malformed call with a result, naming the field when it refuses", async () => {
    const { calls, failures } = await fuzzTools(session, tools, {
      seed: SEED,
      cases: CASES,
      huge: HUGE_BYTES,
    });
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThanOrEqual(tools.length * 25);
    expect(isAlive(session.pid)).toBe(true);
    // Still serving normally.
    const normal = await callTool(session.client, "models_list_language_models", {});
    expect(normal.isError ?? false).toBe(false);
    expect(firstText(normal)).toContain("grok-4");
    const peak = peakRss(session.pid);
    process.stderr.write(
      `fuzz: ${calls} calls, server peak RSS ${peak === undefined ? "n/a" : `${(peak / 2 ** 20).toFixed(1)} MiB`}\n`,
    );
    if (peak !== undefined) expect(peak).toBeLessThan(RSS_BOUND);
  }, 600_000);
});
