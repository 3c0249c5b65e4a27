import type { DescMethod } from "@bufbuild/protobuf";
import { batchSchemas } from "../../batch/batch-service.js";
import { withStatusName } from "../../batch/status-names.js";
import { renderRequestResult } from "../render/batch-results.js";
import { responseJson } from "../result.js";
import type { ToolHandler } from "../tool.js";

type Json = Record<string, unknown>;

/**
 * `BatchMgmt.GetBatchRequestResult`: the request and its outcome, a failure's status by name in the
 * text and in `structuredContent` (`result.error.status`).
 */
export function getBatchRequestResultHandler(method: DescMethod): ToolHandler {
  const m = batchSchemas(method).service.method.getBatchRequestResult;
  return async (request, _options, ctx) => {
    const response = await ctx.client.unary(m, request as never, { signal: ctx.signal });
    const json = responseJson(m.output, response);
    if (json.result) json.result = withStatusName(json.result as Json);
    return { content: [{ type: "text", text: renderRequestResult(json) }], structuredContent: json };
  };
}
