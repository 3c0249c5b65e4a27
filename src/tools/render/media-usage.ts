type Json = Record<string, unknown>;

/** USD ticks per dollar: costs are reported in 1e-10 USD. */
const TICKS_PER_USD = 1e10;

/** `12 prompt tokens (256 image) · cost $0.0700` from a `SamplingUsage` in JSON, or undefined. */
export function mediaUsageLine(usage: Json | undefined): string | undefined {
  if (!usage) return undefined;
  const parts: string[] = [];
  const prompt = Number(usage.prompt_tokens ?? 0);
  const image = Number(usage.prompt_image_tokens ?? 0);
  if (prompt)
    parts.push(`${prompt} prompt token${prompt === 1 ? "" : "s"}${image ? ` (${image} for images)` : ""}`);
  if (usage.cost_in_usd_ticks !== undefined) {
    parts.push(`cost $${(Number(usage.cost_in_usd_ticks) / TICKS_PER_USD).toFixed(4)}`);
  }
  return parts.length > 0 ? parts.join(" · ") : undefined;
}
