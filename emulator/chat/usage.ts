import { create } from "@bufbuild/protobuf";
import type { LanguageModel } from "../../gen/xai/api/v1/models_pb.js";
import {
  type SamplingUsage,
  SamplingUsageSchema,
  type ServerSideTool,
} from "../../gen/xai/api/v1/usage_pb.js";
import { costInUsdTicks } from "../catalog.js";

/** The token counts of a completion, as the emulator's tokenizer counts them. */
export interface TokenCounts {
  readonly promptText: number;
  readonly promptImage: number;
  /** Output tokens across all choices: text plus tool-call names and arguments. */
  readonly completion: number;
  /** Reasoning tokens across all choices. */
  readonly reasoning: number;
  /** Search sources consulted (emulated citations). */
  readonly sources?: number;
  /** Server-side tools the request used. */
  readonly serverSideTools?: readonly ServerSideTool[];
}

/**
 * `SamplingUsage` for these counts on this model: totals as the API adds them (prompt + completion
 * + reasoning) and the cost in USD ticks from the model's prices, sources at the search price.
 */
export function samplingUsage(model: LanguageModel, counts: TokenCounts): SamplingUsage {
  const prompt = counts.promptText + counts.promptImage;
  const sources = counts.sources ?? 0;
  const cost =
    costInUsdTicks(model, {
      promptText: counts.promptText,
      promptImage: counts.promptImage,
      completion: counts.completion + counts.reasoning,
    }) +
    // The search price is per million sources in 1/100 US cent: one tick per source per unit.
    BigInt(sources) * model.searchPrice;
  return create(SamplingUsageSchema, {
    promptTokens: prompt,
    promptTextTokens: counts.promptText,
    promptImageTokens: counts.promptImage,
    completionTokens: counts.completion,
    reasoningTokens: counts.reasoning,
    totalTokens: prompt + counts.completion + counts.reasoning,
    numSourcesUsed: sources,
    serverSideToolsUsed: [...(counts.serverSideTools ?? [])],
    costInUsdTicks: cost,
  });
}
