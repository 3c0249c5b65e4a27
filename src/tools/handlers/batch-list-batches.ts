import { create, toJson } from "@bufbuild/protobuf";
import {
  type Batch,
  BatchMgmt,
  BatchSchema,
  ListBatchesResponseSchema,
} from "../../../gen/xai/api/v1/batch_pb.js";
import type { FetchPage } from "../../batch/paging.js";
import { renderBatchList } from "../render/batch.js";
import { responseJson } from "../result.js";
import { defineTool } from "../tool.js";
import { ALL_PAGES_OPTIONS } from "./batch-options.js";
import { inlineList } from "./batch-paged-list.js";

type Json = Record<string, unknown>;

/** `BatchMgmt.ListBatches`: one page, or every page while the answer stays small. */
export const listBatchesTool = defineTool(BatchMgmt.method.listBatches, {
  options: ALL_PAGES_OPTIONS,
  run: async (request, options, ctx) => {
    const m = BatchMgmt.method.listBatches;
    const fetch: FetchPage<Batch> = async (token, limit) => {
      const r = await ctx.client.unary(
        m,
        { limit: limit ?? 0, paginationToken: token },
        { signal: ctx.signal },
      );
      return {
        items: r.batches.map((b) => toJson(BatchSchema, b, { useProtoFieldName: true }) as Json),
        messages: r.batches,
        token: r.paginationToken,
        response: responseJson(m.output, r),
      };
    };
    return inlineList(
      {
        method: m,
        itemsField: "batches",
        noun: "batches",
        fetch,
        hintArgs: {},
        render: (batches, paginationToken) =>
          renderBatchList(create(ListBatchesResponseSchema, { batches, paginationToken })),
      },
      { token: request.paginationToken, limit: request.limit, allPages: options.all_pages === true },
    );
  },
});
