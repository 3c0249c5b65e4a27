import { create, toJson } from "@bufbuild/protobuf";
import {
  BatchMgmt,
  type BatchRequestMetadata,
  type BatchRequestMetadata_State,
  BatchRequestMetadata_StateSchema,
  BatchRequestMetadataSchema,
  ListBatchRequestMetadataResponseSchema,
} from "../../../gen/xai/api/v1/batch_pb.js";
import { type FetchPage, PagingError } from "../../batch/paging.js";
import { callHint } from "../render/batch.js";
import { renderMetadataPage } from "../render/batch-results.js";
import { responseJson } from "../result.js";
import { defineTool } from "../tool.js";
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

/** A state as the JSON mapping names it (`STATE_FAILED`), or its number when unknown. */
function stateJsonName(state: BatchRequestMetadata_State): string | number {
  return BatchRequestMetadata_StateSchema.value[state]?.name ?? state;
}

/** Page size when writing to a file and the call set no limit. */
const FILE_PAGE = 1000;

/**
 * `BatchMgmt.ListBatchRequestMetadata`: one page or all of them, inline while small, or written to
 * a JSONL file (one `BatchRequestMetadata` per line) with the count of requests in each state.
 */
export const listBatchRequestMetadataTool = defineTool(BatchMgmt.method.listBatchRequestMetadata, {
  options: PAGED_FILE_OPTIONS,
  run: async (req, options, ctx) => {
    const m = BatchMgmt.method.listBatchRequestMetadata;
    const allPages = options.all_pages === true;
    const outputPath = options.output_path;
    const overwrite = options.overwrite === true;
    const append = options.append === true;
    const fetch: FetchPage<BatchRequestMetadata> = async (token, limit) => {
      const r = await ctx.client.unary(
        m,
        { batchId: req.batchId, limit: limit ?? 0, paginationToken: token, status: req.status },
        { signal: ctx.signal },
      );
      return {
        items: r.batchRequestMetadata.map(
          (x) => toJson(BatchRequestMetadataSchema, x, { useProtoFieldName: true }) as Json,
        ),
        messages: r.batchRequestMetadata,
        token: r.paginationToken,
        response: responseJson(m.output, r),
      };
    };
    const hintArgs: Json = { batch_id: req.batchId };
    if (req.status.length > 0) hintArgs.status = req.status.map(stateJsonName);
    const list: PagedList<BatchRequestMetadata> = {
      method: m,
      itemsField: "batch_request_metadata",
      noun: "requests",
      fetch,
      hintArgs,
      render: (batchRequestMetadata, paginationToken, args) =>
        renderMetadataPage(
          create(ListBatchRequestMetadataResponseSchema, { batchRequestMetadata, paginationToken }),
          args,
        ),
    };
    const paging = { token: req.paginationToken, limit: req.limit, allPages };
    if (outputPath === undefined) return inlineList(list, paging);

    const byState = new Map<string, number>();
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
          onMessage: (r) => {
            const s = String(stateJsonName(r.state));
            byState.set(s, (byState.get(s) ?? 0) + 1);
          },
        },
      );
    } catch (e) {
      if (e instanceof PagingError) return pagingFailureResult(list, e, outputPath);
      throw e;
    }
    const counts = [...byState].map(([s, n]) => `${n} ${s.replace(/^STATE_/, "")}`).join(", ") || "none";
    const lines = [
      `${run.appended ? "Appended" : "Wrote"} ${run.written} request states of batch ${req.batchId} to ${run.path} (${run.pages} page${run.pages === 1 ? "" : "s"}), one BatchRequestMetadata per line: ${counts}.`,
    ];
    if (run.duplicates > 0) lines.push(`${run.duplicates} already in the file were not written again.`);
    lines.push(
      run.nextToken === undefined
        ? "That is every request of the list."
        : `More remain; append them with ${callHint(m, { ...hintArgs, pagination_token: run.nextToken, all_pages: true, output_path: run.path, append: true })}`,
    );
    return {
      content: [{ type: "text", text: lines.join("\n") }],
      structuredContent: {
        batch_id: req.batchId,
        output_path: run.path,
        appended: run.appended,
        written: run.written,
        duplicates_skipped: run.duplicates,
        pages: run.pages,
        by_state: Object.fromEntries(byState),
        ...(run.nextToken !== undefined ? { pagination_token: run.nextToken } : {}),
      },
    };
  },
});
