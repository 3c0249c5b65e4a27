import type { SamplingUsage } from "../../../gen/xai/api/v1/usage_pb.js";

/** USD ticks per dollar: costs are reported in 1e-10 USD. */
const TICKS_PER_USD = 1e10;

/** `12 prompt tokens (256 image) · cost $0.0700` from a `SamplingUsage`, or undefined. */
export function mediaUsageLine(usage: SamplingUsage | undefined): string | undefined {
  if (!usage) return undefined;
  const parts: string[] = [];
  const prompt = usage.promptTokens;
  const image = usage.promptImageTokens;
  if (prompt)
    parts.push(`${prompt} prompt token${prompt === 1 ? "" : "s"}${image ? ` (${image} for images)` : ""}`);
  if (usage.costInUsdTicks !== undefined) {
    parts.push(`cost $${(Number(usage.costInUsdTicks) / TICKS_PER_USD).toFixed(4)}`);
  }
  return parts.length > 0 ? parts.join(" · ") : undefined;
}
