import { type DescMethod, toJson } from "@bufbuild/protobuf";
import type { ListBatchesRequest } from "../../../gen/xai/api/v1/batch_pb.js";
import { batchSchemas } from "../../batch/batch-service.js";
import type { FetchPage } from "../../batch/paging.js";
import { renderBatchList } from "../render/batch.js";
import { responseJson } from "../result.js";
import type { ToolHandler } from "../tool.js";
import { pagingOptions } from "./batch-options.js";
import { inlineList } from "./batch-paged-list.js";

type Json = Record<string, unknown>;

/** `BatchMgmt.ListBatches`: one page, or every page while the answer stays small. */
export function listBatchesHandler(method: DescMethod): ToolHandler {
  const schemas = batchSchemas(method);
  const m = schemas.service.method.listBatches;
  const batch = schemas.service.method.getBatch.output;
  return async (request, options, ctx) => {
    const req = request as ListBatchesRequest;
    const fetch: FetchPage = async (token, limit) => {
      const r = await ctx.client.unary(
        m,
        { limit: limit ?? 0, paginationToken: token },
        { signal: ctx.signal },
      );
      return {
        items: r.batches.map((b) => toJson(batch, b, { useProtoFieldName: true }) as Json),
        token: r.paginationToken,
        response: responseJson(m.output, r),
      };
    };
    return inlineList(
      {
        tool: "batch_list_batches",
        itemsField: "batches",
        noun: "batches",
        fetch,
        hintArgs: {},
        render: (response) => renderBatchList(response),
      },
      { token: req.paginationToken, limit: req.limit, allPages: pagingOptions(options).allPages },
    );
  };
}
