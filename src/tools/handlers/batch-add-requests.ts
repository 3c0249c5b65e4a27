import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import {
  type AddBatchRequestsRequest,
  type Batch,
  BatchMgmt,
  type BatchRequest,
  BatchSchema,
} from "../../../gen/xai/api/v1/batch_pb.js";
import { openJsonlInput } from "../../batch/batch-files.js";
import { BATCH_SCHEMAS, type BatchSchemas } from "../../batch/batch-service.js";
import { applyBatchDefaults, prepareBulkInput, type ReadyInput } from "../../batch/bulk-input.js";
import { type ChunkSenderDeps, type SendReport, sendChunks } from "../../batch/chunk-sender.js";
import { listProblems } from "../../batch/jsonl-input.js";
import { isXaiGrpcError } from "../../grpc/grpc-error.js";
import { ArgumentError } from "../../schema/arguments.js";
import { ZodSchemas } from "../../schema/zod-schema.js";
import { batchCounts, callHint, countsLine, renderBatch } from "../render/batch.js";
import { requiredByMessage } from "../required-fields.js";
import { responseJson } from "../result.js";
import { SERVICES } from "../services.js";
import { defineTool, type ToolContext } from "../tool.js";
import { errorResult } from "../tool-error.js";
import { toolNameOf } from "../tool-names.js";
import { INPUT_PATH_OPTIONS } from "./batch-options.js";

type Json = Record<string, unknown>;
const TOOL = toolNameOf(BatchMgmt.method.addBatchRequests);

/** Page size when listing a batch's ids to check which requests already landed. */
const ID_PAGE = 1000;

/**
 * `BatchMgmt.AddBatchRequests`: inline requests are sent as given, in one call. With `input_path`,
 * a JSONL file is checked whole, given stable ids, and sent in chunks under the message limit,
 * each retried on transient failures without ever adding a request twice (see `sendChunks`).
 */
let validator: z.ZodType | undefined;

export const addBatchRequestsTool = defineTool(BatchMgmt.method.addBatchRequests, {
  options: INPUT_PATH_OPTIONS,
  run: async (req, options, ctx) => {
    const schemas = BATCH_SCHEMAS;
    const inputPath = options.input_path;
    if (inputPath === undefined) {
      // The API refuses an empty AddBatchRequests; say which two ways there are before sending.
      if (req.batchRequests.length === 0) {
        throw new ArgumentError(["batch_requests: required: give at least one request, or input_path"]);
      }
      return addInline(schemas, req, ctx);
    }
    const problems: string[] = [];
    if (req.batchId === "") problems.push("batch_id: required");
    if (req.batchRequests.length > 0)
      problems.push("batch_requests: give either batch_requests or input_path, not both");
    if (problems.length > 0) throw new ArgumentError(problems);
    // The same required fields as the direct tools' (an image_request needs prompt and model).
    validator ??= new ZodSchemas({}, { required: requiredByMessage(SERVICES) }).message(schemas.request);
    const input = await openJsonlInput(ctx.roots, inputPath);
    const ready = await prepareBulkInput(input.lines, req.batchId, schemas, validator, { roots: ctx.roots });
    if (!ready.ok) return refusal(inputPath, ready.problems, ready.badLines, ready.linesRead);
    return sendInput(schemas, ready, req.batchId, inputPath, ctx);
  },
});

/** Inline requests: one call, as given. */
async function addInline(
  schemas: BatchSchemas,
  req: AddBatchRequestsRequest,
  ctx: ToolContext,
): Promise<CallToolResult> {
  const m = schemas.service.method.addBatchRequests;
  for (const r of req.batchRequests) applyBatchDefaults(r);
  const response = await ctx.client.unary(m, req, { signal: ctx.signal });
  const n = req.batchRequests.length;
  const unnamed = req.batchRequests.filter((r) => !r.batchRequestId).length;
  const lines = [`Added ${n} request${n === 1 ? "" : "s"} to batch ${req.batchId}.`];
  if (unnamed > 0) {
    lines.push(
      `${unnamed} had no batch_request_id: the server gave them ids (see ${toolNameOf(BatchMgmt.method.listBatchRequestMetadata)}). Calling again with the same requests would add those ${unnamed} a second time; give ids to make a repeat safe.`,
    );
  }
  lines.push(`Next: follow progress with ${callHint(BatchMgmt.method.getBatch, { batch_id: req.batchId })}.`);
  return {
    content: [{ type: "text", text: lines.join("\n") }],
    structuredContent: responseJson(m.output, response),
  };
}

/** A checked input file: sent chunk by chunk, then summarised with the batch's state. */
async function sendInput(
  schemas: BatchSchemas,
  ready: ReadyInput,
  batchId: string,
  inputPath: string,
  ctx: ToolContext,
): Promise<CallToolResult> {
  const { requests, chunks, lineOf } = ready;
  const total = requests.length;
  const started = Date.now();
  await ctx.progress(0, total, `${total} requests checked; sending in ${chunks.length} chunks`);
  const report = await sendChunks(
    chunks.map((c) => requests.slice(c.start, c.end)),
    chunkSenderDeps(schemas, batchId, chunks.length, total, ctx),
  );
  const elapsedMs = Date.now() - started;
  const batch = await getBatch(schemas, batchId, ctx);
  const summary: Json = {
    batch_id: batchId,
    input_path: inputPath,
    requests: total,
    generated_ids: ready.generatedIds,
    chunks: chunks.length,
    chunks_done: report.chunks.length,
    added: report.added + report.confirmedAfterRetry,
    confirmed_after_retry: report.confirmedAfterRetry,
    already_present: report.alreadyPresent,
    retries: report.retries,
    elapsed_ms: elapsedMs,
    ...(batch ? { batch: responseJson(BatchSchema, batch) } : {}),
  };
  if (report.failure) return failureResult(report, summary, batch, chunks, lineOf, total);
  const text = sentText(report, ready, summary, inputPath, batchId, batch);
  return { content: [{ type: "text", text }], structuredContent: summary };
}

/** How the chunks reach xAI: the add call, the id listing, and what to report on the way. */
function chunkSenderDeps(
  schemas: BatchSchemas,
  batchId: string,
  chunkCount: number,
  total: number,
  ctx: ToolContext,
): ChunkSenderDeps<BatchRequest> {
  const add = schemas.service.method.addBatchRequests;
  return {
    signal: ctx.signal,
    idOf: (r: BatchRequest) => r.batchRequestId ?? "",
    add: async (batchRequests, signal) => {
      await ctx.client.unary(add, { batchId, batchRequests }, { signal });
    },
    listIds: (signal) => listRequestIds(schemas, batchId, ctx, signal),
    ...(ctx.retryBackoffMs !== undefined ? { backoffMs: ctx.retryBackoffMs } : {}),
    onRetry: (chunk, attempt, error, delay) =>
      ctx.log.info(
        `${TOOL}: chunk ${chunk + 1}/${chunkCount} attempt ${attempt} failed with ${error.status}; retrying in ${delay} ms`,
      ),
    onChunk: (done, o) =>
      ctx.progress(
        done,
        total,
        `chunk ${o.index + 1}/${chunkCount}: ${o.added + o.confirmedAfterRetry} added, ${o.alreadyPresent} already present`,
      ),
  };
}

/** The text of a file sent in full: what was added, skipped and retried, then the batch. */
function sentText(
  report: SendReport,
  ready: ReadyInput,
  summary: Json,
  inputPath: string,
  batchId: string,
  batch: Batch | undefined,
): string {
  const n = ready.chunks.length;
  const lines = [
    `Added ${summary.added} of ${ready.requests.length} requests from ${inputPath} to batch ${batchId} in ${n} chunk${n === 1 ? "" : "s"}` +
      ` (${report.alreadyPresent} were already in the batch and were skipped; ${report.retries} retried calls).`,
  ];
  if (report.confirmedAfterRetry > 0) {
    lines.push(
      `${report.confirmedAfterRetry} of them were confirmed in the batch after a call whose answer was lost; none was added twice.`,
    );
  }
  if (ready.generatedIds > 0) {
    lines.push(
      `${ready.generatedIds} lines had no batch_request_id and got line-<N>-<hash> ids (N = line number); the same file always gets the same ids, so calling again is safe.`,
    );
  }
  lines.push(
    batch ? renderBatch(batch) : `Next: ${callHint(BatchMgmt.method.getBatch, { batch_id: batchId })}`,
  );
  return lines.join("\n");
}

/** Every request id the batch holds, page after page. */
async function listRequestIds(
  schemas: BatchSchemas,
  batchId: string,
  ctx: ToolContext,
  signal: AbortSignal,
): Promise<Set<string>> {
  const m = schemas.service.method.listBatchRequestMetadata;
  const ids = new Set<string>();
  let token: string | undefined;
  do {
    const page = await ctx.client.unary(m, { batchId, limit: ID_PAGE, paginationToken: token }, { signal });
    for (const r of page.batchRequestMetadata) ids.add(r.batchRequestId);
    token = page.paginationToken || undefined;
  } while (token !== undefined);
  return ids;
}

/** The batch, or undefined when it cannot be read now (the add itself went through). */
async function getBatch(
  schemas: BatchSchemas,
  batchId: string,
  ctx: ToolContext,
): Promise<Batch | undefined> {
  const m = schemas.service.method.getBatch;
  try {
    return await ctx.client.unary(m, { batchId }, { signal: ctx.signal });
  } catch (e) {
    ctx.log.debug(
      `${TOOL}: could not read batch ${batchId} after adding: ${e instanceof Error ? e.message : String(e)}`,
    );
    return undefined;
  }
}

/** Bad lines: nothing was sent. Lists the problems (capped) with their line numbers. */
function refusal(
  inputPath: string,
  problems: string[],
  badLines: number[],
  linesRead: number,
): CallToolResult {
  const shown = listProblems(problems);
  const text = [
    `${TOOL}: ${badLines.length > 0 ? `${badLines.length} of ${linesRead} requests in ${inputPath} are invalid` : `${inputPath} cannot be sent`}; nothing was sent to xAI.`,
    ...shown.map((p) => `- ${p}`),
    "Each line must be one BatchRequest in protobuf JSON with proto field names, e.g. " +
      '{"batch_request_id":"q1","completion_request":{"model":"grok-4","messages":[{"role":"ROLE_USER","content":[{"text":"Hi"}]}]}}. ' +
      "Fix the lines and call again.",
  ].join("\n");
  return {
    isError: true,
    content: [{ type: "text", text }],
    structuredContent: {
      error: { status: "INVALID_ARGUMENT", message: `${problems.length} problems in ${inputPath}` },
      bad_lines: badLines.slice(0, 1000),
      bad_line_count: badLines.length,
      problems: shown,
      sent: 0,
    },
  };
}

/** A chunk failed for good: what was added, where it stopped, and that calling again is safe. */
function failureResult(
  report: SendReport,
  summary: Json,
  batch: Batch | undefined,
  chunks: ReadyInput["chunks"],
  lineOf: number[],
  total: number,
): CallToolResult {
  const failure = report.failure as NonNullable<SendReport["failure"]>;
  const chunk = chunks[failure.index];
  const first = chunk ? lineOf[chunk.start] : undefined;
  const last = chunk ? lineOf[chunk.end - 1] : undefined;
  const base = errorResult(failure.error, TOOL);
  const cause = base.content[0]?.type === "text" ? base.content[0].text : String(failure.error);
  const fate = failure.uncertain
    ? "it may or may not have landed"
    : "none of its requests were added (the API refuses a call as a whole)";
  const text = [
    `${TOOL} stopped at chunk ${failure.index + 1}/${chunks.length} (lines ${first}–${last}); ${fate}.`,
    `Before it: ${summary.added} added, ${summary.already_present} already present, of ${total} requests.`,
    cause,
    "Calling again with the same batch_id and input_path is safe: requests already in the batch are recognised by their batch_request_id and skipped, so nothing is added twice.",
    batchLine(batch),
  ]
    .filter(Boolean)
    .join("\n");
  const error = isXaiGrpcError(failure.error)
    ? { status: failure.error.status, code: failure.error.code, message: failure.error.details }
    : { message: failure.error instanceof Error ? failure.error.message : String(failure.error) };
  return {
    isError: true,
    content: [{ type: "text", text }],
    structuredContent: {
      ...summary,
      error,
      failed_chunk: failure.index + 1,
      failed_lines: [first, last],
      uncertain: failure.uncertain,
    },
  };
}

function batchLine(batch: Batch | undefined): string | undefined {
  return batch ? `Batch ${batch.batchId} now: ${countsLine(batchCounts(batch))}.` : undefined;
}
