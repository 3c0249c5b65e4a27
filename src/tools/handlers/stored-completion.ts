import type { DescMethod, DescMethodUnary } from "@bufbuild/protobuf";
import type {
  DeleteStoredCompletionRequestSchema,
  DeleteStoredCompletionResponseSchema,
  GetChatCompletionResponseSchema,
  GetCompletionsRequest,
} from "../../../gen/xai/api/v1/chat_pb.js";
import { deletedResponseText, storedResponseLine } from "../render/stored.js";
import { messageResult, responseJson } from "../result.js";
import type { ToolHandler } from "../tool.js";

type CompletionMethod = DescMethodUnary<never, typeof GetChatCompletionResponseSchema>;

/**
 * `Chat.GetCompletion`: the answer, plus, when the request set `store_messages`, the id to continue
 * from with `previous_response_id`.
 */
export function chatCompletionHandler(method: DescMethod): ToolHandler {
  const m = method as CompletionMethod;
  return async (request, _options, ctx) => {
    const response = await ctx.client.unary(m, request as never, { signal: ctx.signal });
    const stored = (request as GetCompletionsRequest).storeMessages && response.id;
    return messageResult(m.output, response, stored ? storedResponseLine(response.id) : undefined);
  };
}

/** `Chat.GetStoredCompletion`: the stored answer, and the id to continue from. */
export function storedCompletionHandler(method: DescMethod): ToolHandler {
  const m = method as CompletionMethod;
  return async (request, _options, ctx) => {
    const response = await ctx.client.unary(m, request as never, { signal: ctx.signal });
    const id = response.id || (request as { responseId: string }).responseId;
    return messageResult(m.output, response, storedResponseLine(id));
  };
}

/** `Chat.DeleteStoredCompletion`: says plainly which response is gone for good. */
export function deleteStoredHandler(method: DescMethod): ToolHandler {
  const m = method as DescMethodUnary<
    typeof DeleteStoredCompletionRequestSchema,
    typeof DeleteStoredCompletionResponseSchema
  >;
  return async (request, _options, ctx) => {
    const response = await ctx.client.unary(m, request as never, { signal: ctx.signal });
    const id = response.responseId || (request as { responseId: string }).responseId;
    return {
      content: [{ type: "text", text: deletedResponseText(id) }],
      structuredContent: responseJson(m.output, response),
    };
  };
}
