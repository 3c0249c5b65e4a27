import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { BatchCostBreakdownSchema } from "../../gen/xai/api/v1/batch_pb.js";
import type { SamplingUsage } from "../../gen/xai/api/v1/usage_pb.js";
import type { BatchRecord } from "./batch-store.js";

/**
 * Share of the normal price a batch request is billed, in percent. xAI bills batch requests at a
 * reduced rate; the emulator uses half price, rounded down to whole ticks.
 */
export const BATCH_PRICE_PERCENT = 50n;

/** The batch price of a request whose normal price is `ticks`. */
export function batchPrice(ticks: bigint): bigint {
  return (ticks * BATCH_PRICE_PERCENT) / 100n;
}

/**
 * A successful response re-priced at the batch rate: a copy whose `usage.cost_in_usd_ticks` is what
 * the batch is billed for it, so the results add up to the batch's cost breakdown. The engine's own
 * object is left alone (an engine may keep it, e.g. as a stored completion).
 */
export function repriced<R extends { usage?: SamplingUsage | undefined }>(
  response: R,
): { response: R; billed: bigint } {
  const usage = response.usage;
  if (!usage) return { response, billed: 0n };
  const billed = batchPrice(usage.costInUsdTicks ?? 0n);
  return { response: { ...response, usage: { ...usage, costInUsdTicks: billed } }, billed };
}

/**
 * The cost so far: per endpoint, what its successful requests were billed and how many there were
 * (failed and cancelled requests are not billed, so not counted); endpoints sorted by name.
 */
export function costBreakdown(
  batch: BatchRecord,
  now: Date,
): MessageInitShape<typeof BatchCostBreakdownSchema> {
  const endpoints = [...batch.costs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let total = 0n;
  for (const [, t] of endpoints) total += t.ticks;
  return {
    totalCostUsdTicks: total,
    endpointCosts: endpoints.map(([endpoint, t]) => ({
      endpoint,
      costUsdTicks: t.ticks,
      requestCount: BigInt(t.count),
    })),
    calculationTime: timestampFromDate(now),
  };
}
