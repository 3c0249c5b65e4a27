import { Chat } from "../../../gen/xai/api/v1/chat_pb.js";
import { deletedResponseText, storedResponseLine } from "../render/stored.js";
import { messageResult, responseJson } from "../result.js";
import { defineTool } from "../tool.js";

/**
 * `Chat.GetCompletion`: the answer, plus, when the request set `store_messages`, the id to continue
 * from with `previous_response_id`.
 */
export const chatCompletionTool = defineTool(Chat.method.getCompletion, {
  run: async (request, _options, ctx) => {
    const m = Chat.method.getCompletion;
    const response = await ctx.client.unary(m, request, { signal: ctx.signal });
    const stored = request.storeMessages && response.id;
    return messageResult(m.output, response, stored ? storedResponseLine(response.id) : undefined);
  },
});

/** `Chat.GetStoredCompletion`: the stored answer, and the id to continue from. */
export const storedCompletionTool = defineTool(Chat.method.getStoredCompletion, {
  run: async (request, _options, ctx) => {
    const m = Chat.method.getStoredCompletion;
    const response = await ctx.client.unary(m, request, { signal: ctx.signal });
    return messageResult(m.output, response, storedResponseLine(response.id || request.responseId));
  },
});

/** `Chat.DeleteStoredCompletion`: says plainly which response is gone for good. */
export const deleteStoredTool = defineTool(Chat.method.deleteStoredCompletion, {
  run: async (request, _options, ctx) => {
    const m = Chat.method.deleteStoredCompletion;
    const response = await ctx.client.unary(m, request, { signal: ctx.signal });
    return {
      content: [{ type: "text", text: deletedResponseText(response.responseId || request.responseId) }],
      structuredContent: responseJson(m.output, response),
    };
  },
});
