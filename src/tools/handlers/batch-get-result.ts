import { BatchMgmt } from "../../../gen/xai/api/v1/batch_pb.js";
import { withStatusName } from "../../batch/status-names.js";
import { renderRequestResult } from "../render/batch-results.js";
import { responseJson } from "../result.js";
import { defineTool } from "../tool.js";

type Json = Record<string, unknown>;

/**
 * `BatchMgmt.GetBatchRequestResult`: the request and its outcome, a failure's status by name in the
 * text and in `structuredContent` (`result.error.status`).
 */
export const getBatchRequestResultTool = defineTool(BatchMgmt.method.getBatchRequestResult, {
  run: async (request, _options, ctx) => {
    const m = BatchMgmt.method.getBatchRequestResult;
    const response = await ctx.client.unary(m, request, { signal: ctx.signal });
    const json = responseJson(m.output, response);
    if (json.result) json.result = withStatusName(json.result as Json);
    return { content: [{ type: "text", text: renderRequestResult(response) }], structuredContent: json };
  },
});
