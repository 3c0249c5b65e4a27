/**
 * 1. Per-call overhead: a small tool and a chat completion through the MCP server, against the
 * floor of the stack measured in the same rounds: the MCP round trip of a one-tool echo server on
 * the same SDK plus the same RPC made directly with grpc-js.
 */
import type { DescMethod, JsonObject } from "@bufbuild/protobuf";
import { Chat } from "../gen/xai/api/v1/chat_pb.js";
import { Models } from "../gen/xai/api/v1/models_pb.js";
import { type BenchEnv, type Measured, round } from "./support/bench-env.js";
import { DirectGrpc } from "./support/direct-grpc.js";
import { ECHO_ENTRY, SERVER_ENTRY, startSession } from "./support/processes.js";
import type { Row } from "./support/report.js";
import { interleave, now, pairwiseSum, type Summary, summarize } from "./support/stats.js";

/** The calls measured: tool arguments, the same request sent directly, and the p50 target. */
export const CALL_CASES: readonly { tool: string; method: DescMethod; args: JsonObject; target: number }[] = [
  {
    tool: "models_get_language_model",
    method: Models.method.getLanguageModel,
    args: { name: "grok-4" },
    target: 1.1,
  },
  {
    tool: "chat_get_completion",
    method: Chat.method.getCompletion,
    args: { model: "grok-4", messages: [{ role: "ROLE_USER", content: [{ text: "Hello" }] }] },
    target: 1.15,
  },
];

const summaryJson = (s: Summary) => ({ n: s.n, p50: round(s.p50), p90: round(s.p90), p99: round(s.p99) });

export async function measureCallOverhead(env: BenchEnv): Promise<Measured> {
  const rounds = env.quick ? 300 : 2000;
  const warmup = env.quick ? 100 : 300;
  const ours = await startSession(SERVER_ENTRY, env.serverEnv);
  const echo = await startSession(ECHO_ENTRY);
  const rows: Row[] = [];
  const details: Record<string, unknown> = { rounds, warmup };
  try {
    for (const c of CALL_CASES) {
      const request = DirectGrpc.request(c.method.input, c.args);
      const series = { mcp: [] as number[], echo: [] as number[], direct: [] as number[] };
      let record = false;
      const timed = (into: number[], f: () => Promise<unknown>) => async () => {
        const t = now();
        await f();
        if (record) into.push(now() - t);
      };
      const ops = [
        timed(series.mcp, () => ours.call(c.tool, c.args)),
        timed(series.echo, () => echo.call("echo", c.args)),
        timed(series.direct, () => env.direct.unary(c.method, request)),
      ];
      env.log(`call overhead: ${c.tool}, ${warmup} warm-up + ${rounds} rounds`);
      await interleave(warmup, ops);
      record = true;
      await interleave(rounds, ops);
      const mcp = summarize(series.mcp);
      const echoed = summarize(series.echo);
      const direct = summarize(series.direct);
      // The floor's median is the sum of the two medians (the conservative choice: a noisy machine
      // makes the median of per-round sums larger); its p99 is that of the per-round sums.
      const floor = { ...summarize(pairwiseSum(series.echo, series.direct)), p50: echoed.p50 + direct.p50 };
      const p50 = mcp.p50 / floor.p50;
      const p99 = mcp.p99 / floor.p99;
      rows.push(
        {
          measure: "1 per call",
          metric: `${c.tool} p50`,
          value: mcp.p50,
          unit: "ms",
          baseline: floor.p50,
          ratio: p50,
          target: `≤ ${c.target}×`,
          ok: p50 <= c.target,
        },
        {
          measure: "1 per call",
          metric: `${c.tool} p99`,
          value: mcp.p99,
          unit: "ms",
          baseline: floor.p99,
          ratio: p99,
        },
      );
      details[c.tool] = {
        mcp: summaryJson(mcp),
        echo: summaryJson(echoed),
        direct: summaryJson(direct),
        floor: summaryJson(floor),
        ratioP50: round(p50),
        ratioP99: round(p99),
        overheadP50Ms: round(mcp.p50 - floor.p50),
      };
    }
  } finally {
    await ours.close();
    await echo.close();
  }
  return { rows, details };
}
