/**
 * 4. Context footprint: the bytes of the `tools/list` result as sent on the wire (every tool, with
 * the management key so the Collections tools are listed), and an estimate of the tokens they cost
 * in every conversation (bytes / 4), in all and per tool.
 */
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { BenchEnv, Measured } from "./support/bench-env.js";
import { coldStart, SERVER_ENTRY } from "./support/processes.js";

/** Targets, in bytes (1 KB = 1000 bytes). */
export const TOTAL_LIMIT = 60_000;
export const PER_TOOL_LIMIT = 12_000;
/** The README's lean selection for chat clients, measured beside the full listing. */
export const LEAN_TOOLSETS = "chat,image,video,models";

export async function measureFootprint(env: BenchEnv): Promise<Measured> {
  env.log("footprint: tools/list over the wire");
  const { toolsListResult } = await coldStart(SERVER_ENTRY, env.serverEnv);
  const total = Buffer.byteLength(toolsListResult);
  const tools = (JSON.parse(toolsListResult) as { tools: Tool[] }).tools;
  const perTool = tools
    .map((t) => ({ name: t.name, bytes: Buffer.byteLength(JSON.stringify(t)) }))
    .sort((a, b) => b.bytes - a.bytes);
  const largest = perTool[0] ?? { name: "(none)", bytes: 0 };
  const lean = await coldStart(SERVER_ENTRY, { ...env.serverEnv, XAI_TOOLSETS: LEAN_TOOLSETS });
  const leanBytes = Buffer.byteLength(lean.toolsListResult);
  const leanCount = (JSON.parse(lean.toolsListResult) as { tools: Tool[] }).tools.length;
  return {
    rows: [
      {
        measure: "4 footprint",
        metric: `tools/list, ${tools.length} tools`,
        value: total / 1000,
        unit: "KB",
        target: `≤ ${TOTAL_LIMIT / 1000} KB`,
        ok: total <= TOTAL_LIMIT,
      },
      { measure: "4 footprint", metric: "tools/list, est. tokens", value: total / 4, unit: "tok" },
      {
        measure: "4 footprint",
        metric: `tools/list --toolsets ${LEAN_TOOLSETS}, ${leanCount} tools`,
        value: leanBytes / 1000,
        unit: "KB",
      },
      {
        measure: "4 footprint",
        metric: `largest tool (${largest.name})`,
        value: largest.bytes / 1000,
        unit: "KB",
        target: `≤ ${PER_TOOL_LIMIT / 1000} KB`,
        ok: largest.bytes <= PER_TOOL_LIMIT,
      },
    ],
    details: {
      tools: tools.length,
      bytes: total,
      tokens: Math.round(total / 4),
      lean: {
        toolsets: LEAN_TOOLSETS,
        tools: leanCount,
        bytes: leanBytes,
        tokens: Math.round(leanBytes / 4),
      },
      perTool: perTool.map((t) => ({ ...t, tokens: Math.round(t.bytes / 4) })),
    },
  };
}
