import { type DescMethod, toJson } from "@bufbuild/protobuf";
import { type Timestamp, TimestampSchema } from "@bufbuild/protobuf/wkt";
import { type Batch, BatchMgmt, type ListBatchesResponse } from "../../../gen/xai/api/v1/batch_pb.js";
import { toolNameOf } from "../tool-names.js";

type Json = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined ? "" : String(v));

/** A call of the tool of `method` an agent can copy: `batch_get_batch {"batch_id":"…"}`. */
export function callHint(method: DescMethod, args: Json): string {
  return `${toolNameOf(method)} ${JSON.stringify(args)}`;
}

/** The request counts of a `BatchState`. */
export interface BatchCounts {
  readonly total: number;
  readonly pending: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly cancelled: number;
}

/** The counts of a batch's `state`. */
export function batchCounts(batch: Batch): BatchCounts {
  const s = batch.state;
  return {
    total: Number(s?.numRequests ?? 0n),
    pending: Number(s?.numPending ?? 0n),
    succeeded: Number(s?.numSuccess ?? 0n),
    failed: Number(s?.numError ?? 0n),
    cancelled: Number(s?.numCancelled ?? 0n),
  };
}

/** Share of requests no longer pending, as `73.4%` (rounded down, so 100% means done). */
export function percentDone(c: BatchCounts): string {
  if (c.total === 0) return "0%";
  return `${Math.floor(((c.total - c.pending) / c.total) * 1000) / 10}%`;
}

/** USD ticks (1 USD = 10^10 ticks) as dollars. */
export function usd(ticks: bigint): string {
  const dollars = Number(ticks) / 1e10;
  return `$${dollars.toFixed(dollars !== 0 && dollars < 0.01 ? 6 : 4)}`;
}

/** `10000 requests: 9988 succeeded, 12 failed, 0 cancelled, 0 pending (100% done)`. */
export function countsLine(c: BatchCounts): string {
  return (
    `${c.total} requests: ${c.succeeded} succeeded, ${c.failed} failed, ${c.cancelled} cancelled, ` +
    `${c.pending} pending (${percentDone(c)} done)`
  );
}

/** A timestamp as the JSON mapping writes it (`2026-01-01T00:00:00Z`), or "" when unset. */
export const timestampText = (ts: Timestamp | undefined): string =>
  ts ? String(toJson(TimestampSchema, ts)) : "";

/** What to call next for a batch in this state. */
export function batchNextSteps(batch: Batch): string[] {
  const id = batch.batchId;
  const c = batchCounts(batch);
  const results = callHint(BatchMgmt.method.listBatchResults, {
    batch_id: id,
    all_pages: true,
    output_path: "results.jsonl",
  });
  if (c.total === 0) {
    if (batch.cancelTime)
      return ["Next: nothing to do; the batch was cancelled before any request was added."];
    return [
      `Next: add requests: ${callHint(BatchMgmt.method.addBatchRequests, { batch_id: id, input_path: "requests.jsonl" })}`,
    ];
  }
  if (c.pending > 0) {
    return [
      `Next: still running; check again in a while with ${callHint(BatchMgmt.method.getBatch, { batch_id: id })}.`,
      `Results finished so far: ${results} (continue later from the pagination_token it returns).`,
      `To stop it: ${callHint(BatchMgmt.method.cancelBatch, { batch_id: id })}.`,
    ];
  }
  const outcome =
    c.succeeded + c.failed === 0
      ? "no results (every request was cancelled)"
      : `collect the results: ${results}`;
  return [`Next: nothing pending; ${outcome}.`];
}

/**
 * A batch for the agent: name and id, counts by state with the share done, cost, timing, and the
 * call to make next.
 */
export function renderBatch(batch: Batch): string {
  const c = batchCounts(batch);
  const lines = [`Batch ${batch.batchId} "${batch.name}": ${countsLine(c)}.`];
  const cost = batch.costBreakdown;
  const endpoints = (cost?.endpointCosts ?? [])
    .map((e) => `${e.endpoint} ${usd(e.costUsdTicks)} for ${Number(e.requestCount)}`)
    .join(", ");
  lines.push(`Cost so far: ${usd(cost?.totalCostUsdTicks ?? 0n)}${endpoints ? ` (${endpoints})` : ""}.`);
  const times = [
    `created ${timestampText(batch.createTime)}`,
    batch.expireTime && `expires ${timestampText(batch.expireTime)}`,
  ];
  if (batch.inputFileId) times.push(`input file ${batch.inputFileId}`);
  lines.push(`${times.filter(Boolean).join(", ")}.`);
  if (batch.cancelTime) {
    const by = batch.cancelByXaiMessage ? ` by xAI: ${batch.cancelByXaiMessage}` : "";
    lines.push(`Cancelled at ${timestampText(batch.cancelTime)}${by}; finished results stay readable.`);
  }
  lines.push(...batchNextSteps(batch));
  return lines.join("\n");
}

/** One line per batch of a `ListBatchesResponse`, then how to continue. */
export function renderBatchList(response: ListBatchesResponse): string {
  const batches = response.batches;
  const lines = [batches.length === 0 ? "No batches on this page." : `${batches.length} batches:`];
  for (const b of batches) {
    const c = batchCounts(b);
    const flags = [
      `${c.total} requests`,
      `${percentDone(c)} done`,
      c.failed > 0 && `${c.failed} failed`,
      b.cancelTime && "cancelled",
    ].filter(Boolean);
    lines.push(`- ${b.batchId} "${b.name}": ${flags.join(", ")}; created ${timestampText(b.createTime)}`);
  }
  lines.push(pageTokenLine(response.paginationToken, BatchMgmt.method.listBatches, {}));
  return lines.join("\n");
}

/** The last line of a page: the token to pass for more, or that this was the last page. */
export function pageTokenLine(token: unknown, method: DescMethod, args: Json): string {
  const t = str(token);
  if (t === "") return "This is the last page.";
  return `More: ${callHint(method, { ...args, pagination_token: t })}`;
}
