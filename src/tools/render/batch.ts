import type { DescMethod } from "@bufbuild/protobuf";
import { BatchMgmt } from "../../../gen/xai/api/v1/batch_pb.js";
import { toolNameOf } from "../tool-names.js";

type Json = Record<string, unknown>;

const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined ? "" : String(v));
/** int64 fields arrive as strings in protobuf JSON, and are omitted when zero. */
const num = (v: unknown): number => (v === undefined || v === null || v === "" ? 0 : Number(v));

/** A call of the tool of `method` an agent can copy: `batch_get_batch {"batch_id":"…"}`. */
export function callHint(method: DescMethod, args: Json): string {
  return `${toolNameOf(method)} ${JSON.stringify(args)}`;
}

/** The request counts of a `BatchState` in JSON. */
export interface BatchCounts {
  readonly total: number;
  readonly pending: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly cancelled: number;
}

/** The counts of a batch's `state`. */
export function batchCounts(batch: Json): BatchCounts {
  const s = (batch.state ?? {}) as Json;
  return {
    total: num(s.num_requests),
    pending: num(s.num_pending),
    succeeded: num(s.num_success),
    failed: num(s.num_error),
    cancelled: num(s.num_cancelled),
  };
}

/** Share of requests no longer pending, as `73.4%` (rounded down, so 100% means done). */
export function percentDone(c: BatchCounts): string {
  if (c.total === 0) return "0%";
  return `${Math.floor(((c.total - c.pending) / c.total) * 1000) / 10}%`;
}

/** USD ticks (1 USD = 10^10 ticks) as dollars. */
export function usd(ticks: unknown): string {
  const dollars = num(ticks) / 1e10;
  return `$${dollars.toFixed(dollars !== 0 && dollars < 0.01 ? 6 : 4)}`;
}

/** `10000 requests: 9988 succeeded, 12 failed, 0 cancelled, 0 pending (100% done)`. */
export function countsLine(c: BatchCounts): string {
  return (
    `${c.total} requests: ${c.succeeded} succeeded, ${c.failed} failed, ${c.cancelled} cancelled, ` +
    `${c.pending} pending (${percentDone(c)} done)`
  );
}

/** What to call next for a batch in this state. */
export function batchNextSteps(batch: Json): string[] {
  const id = str(batch.batch_id);
  const c = batchCounts(batch);
  const results = callHint(BatchMgmt.method.listBatchResults, {
    batch_id: id,
    all_pages: true,
    output_path: "results.jsonl",
  });
  if (c.total === 0) {
    if (batch.cancel_time)
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
export function renderBatch(batch: Json): string {
  const c = batchCounts(batch);
  const lines = [`Batch ${str(batch.batch_id)} "${str(batch.name)}": ${countsLine(c)}.`];
  const cost = (batch.cost_breakdown ?? {}) as Json;
  const endpoints = arr(cost.endpoint_costs)
    .map((e) => `${str(e.endpoint)} ${usd(e.cost_usd_ticks)} for ${num(e.request_count)}`)
    .join(", ");
  lines.push(`Cost so far: ${usd(cost.total_cost_usd_ticks)}${endpoints ? ` (${endpoints})` : ""}.`);
  const times = [
    `created ${str(batch.create_time)}`,
    batch.expire_time && `expires ${str(batch.expire_time)}`,
  ];
  if (batch.input_file_id) times.push(`input file ${str(batch.input_file_id)}`);
  lines.push(`${times.filter(Boolean).join(", ")}.`);
  if (batch.cancel_time) {
    const by = batch.cancel_by_xai_message ? ` by xAI: ${str(batch.cancel_by_xai_message)}` : "";
    lines.push(`Cancelled at ${str(batch.cancel_time)}${by}; finished results stay readable.`);
  }
  lines.push(...batchNextSteps(batch));
  return lines.join("\n");
}

/** One line per batch of a `ListBatchesResponse`, then how to continue. */
export function renderBatchList(response: Json): string {
  const batches = arr(response.batches);
  const lines = [batches.length === 0 ? "No batches on this page." : `${batches.length} batches:`];
  for (const b of batches) {
    const c = batchCounts(b);
    const flags = [
      `${c.total} requests`,
      `${percentDone(c)} done`,
      c.failed > 0 && `${c.failed} failed`,
      b.cancel_time && "cancelled",
    ].filter(Boolean);
    lines.push(`- ${str(b.batch_id)} "${str(b.name)}": ${flags.join(", ")}; created ${str(b.create_time)}`);
  }
  lines.push(pageTokenLine(response.pagination_token, BatchMgmt.method.listBatches, {}));
  return lines.join("\n");
}

/** The last line of a page: the token to pass for more, or that this was the last page. */
export function pageTokenLine(token: unknown, method: DescMethod, args: Json): string {
  const t = str(token);
  if (t === "") return "This is the last page.";
  return `More: ${callHint(method, { ...args, pagination_token: t })}`;
}
