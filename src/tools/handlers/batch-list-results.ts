import { create, toJson } from "@bufbuild/protobuf";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import {
  type Batch,
  BatchMgmt,
  type BatchResult,
  BatchResultSchema,
  BatchSchema,
  ListBatchResultsResponseSchema,
} from "../../../gen/xai/api/v1/batch_pb.js";
import { type FetchPage, PagingError, shrinkOnOversize } from "../../batch/paging.js";
import { ResultSummary } from "../../batch/result-summary.js";
import { withStatusName } from "../../batch/status-names.js";
import { batchCounts, callHint, countsLine } from "../render/batch.js";
import { renderResultsPage } from "../render/batch-results.js";
import { responseJson } from "../result.js";
import { defineTool, type ToolContext } from "../tool.js";
import { toolNameOf } from "../tool-names.js";
import { PAGED_FILE_OPTIONS } from "./batch-options.js";
import {
  type FileRun,
  idKey,
  inlineList,
  listToFile,
  type PagedList,
  pagingFailureResult,
} from "./batch-paged-list.js";

type Json = Record<string, unknown>;

/** Page size when writing to a file and the call set no limit: the most a page holds. */
const FILE_PAGE = 1000;

/**
 * `BatchMgmt.ListBatchResults`: one page or all of them, inline while small, or written to a JSONL
 * file (one `BatchResult` in protobuf JSON per line) with a summary of what succeeded and failed.
 * Failures show their status by name, in the text and in `structuredContent` (`error.status`).
 */
export const listBatchResultsTool = defineTool(BatchMgmt.method.listBatchResults, {
  options: PAGED_FILE_OPTIONS,
  run: async (req, options, ctx) => {
    const m = BatchMgmt.method.listBatchResults;
    const allPages = options.all_pages === true;
    const outputPath = options.output_path;
    const overwrite = options.overwrite === true;
    const append = options.append === true;
    // A page of big results (images as data URLs) can exceed the message limit: ask for fewer.
    const fetch: FetchPage<BatchResult> = shrinkOnOversize(async (token, limit) => {
      const r = await ctx.client.unary(
        m,
        { batchId: req.batchId, limit: limit ?? 0, paginationToken: token },
        { signal: ctx.signal },
      );
      return {
        items: r.results.map((x) => toJson(BatchResultSchema, x, { useProtoFieldName: true }) as Json),
        messages: r.results,
        token: r.paginationToken,
        response: responseJson(m.output, r),
      };
    });
    const list: PagedList<BatchResult> = {
      method: m,
      itemsField: "results",
      noun: "results",
      fetch,
      hintArgs: { batch_id: req.batchId },
      decorate: withStatusName,
      render: (results, paginationToken, args) =>
        renderResultsPage(create(ListBatchResultsResponseSchema, { results, paginationToken }), args),
    };
    const paging = { token: req.paginationToken, limit: req.limit, allPages };
    if (outputPath === undefined) return inlineList(list, paging);

    const before = await getBatch(req.batchId, ctx);
    const summary = new ResultSummary();
    const c = batchCounts(before);
    let run: FileRun;
    try {
      run = await listToFile(
        { ...list, fetch: (t, l) => fetch(t, l ?? FILE_PAGE) },
        paging,
        outputPath,
        ctx,
        {
          overwrite,
          append,
          key: idKey("batch_request_id"),
          onMessage: (result) => summary.add(result),
          total: c.succeeded + c.failed,
        },
      );
    } catch (e) {
      if (e instanceof PagingError) return pagingFailureResult(list, e, outputPath);
      throw e;
    }
    const after = await getBatch(req.batchId, ctx);
    return fileSummary(req.batchId, run, summary, after);
  },
});

async function getBatch(batchId: string, ctx: ToolContext): Promise<Batch> {
  return ctx.client.unary(BatchMgmt.method.getBatch, { batchId }, { signal: ctx.signal });
}

/** The summary of a run to a file: what was written, how it adds up against the batch, what next. */
function fileSummary(batchId: string, run: FileRun, summary: ResultSummary, batch: Batch): CallToolResult {
  const c = batchCounts(batch);
  const finished = c.succeeded + c.failed;
  const lines = [
    `${run.appended ? "Appended" : "Wrote"} ${run.written} results of batch ${batchId} to ${run.path} (${run.pages} page${run.pages === 1 ? "" : "s"}, ${run.elapsedMs} ms), one BatchResult per line: ${summary.lines()[0]}.`,
    ...summary.lines().slice(1),
  ];
  if (run.duplicates > 0) lines.push(`${run.duplicates} results already in the file were not written again.`);
  lines.push(`Batch now: ${countsLine(c)}.`);
  // Complete = the whole list was read and nothing can be added to it any more.
  const complete = run.nextToken === undefined && c.pending === 0;
  const fromStart = run.fromStart;
  let consistent: boolean | undefined;
  if (complete && fromStart) {
    consistent = run.written + run.duplicates === finished;
    lines.push(
      consistent
        ? `Complete: the file holds all ${finished} finished results (num_success ${c.succeeded} + num_error ${c.failed}).`
        : `Warning: the file holds ${run.written} results but the batch reports ${finished} finished (num_success + num_error); list again from the first page with overwrite: true to rewrite it.`,
    );
  } else if (complete) {
    lines.push(
      `Complete: every remaining result was ${run.appended ? "appended" : "written, from the token on"}; nothing is pending.`,
    );
  } else if (run.nextToken !== undefined) {
    const more = callHint(BatchMgmt.method.listBatchResults, {
      batch_id: batchId,
      pagination_token: run.nextToken,
      all_pages: true,
      output_path: run.path,
      append: true,
    });
    const why =
      run.stop === "caught-up" || c.pending > 0
        ? `${c.pending} requests are still pending; once more have finished (check ${toolNameOf(BatchMgmt.method.getBatch)}), append the rest with`
        : "More results remain; append them with";
    lines.push(`${why} ${more}`);
  }
  return {
    content: [{ type: "text", text: lines.join("\n") }],
    structuredContent: {
      batch_id: batchId,
      output_path: run.path,
      appended: run.appended,
      written: run.written,
      duplicates_skipped: run.duplicates,
      pages: run.pages,
      ...summary.toJSON(),
      ...(run.nextToken !== undefined ? { pagination_token: run.nextToken } : {}),
      complete,
      ...(consistent !== undefined ? { matches_batch_state: consistent } : {}),
      elapsed_ms: run.elapsedMs,
      batch: responseJson(BatchSchema, batch),
    },
  };
}
