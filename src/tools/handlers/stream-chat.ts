import { Chat, IncludeOption } from "../../../gen/xai/api/v1/chat_pb.js";
import { ChatAccumulator } from "../aggregate/chat-accumulator.js";
import { storedResponseLine } from "../render/stored.js";
import { streamTool } from "./stream-handler.js";

/**
 * `Chat.GetCompletionChunk`: the streamed answer arrives as progress (with verbose streaming, each
 * server-side tool call too, as its own line), the result is the aggregated
 * `GetChatCompletionResponse` (plus the id to continue from when `store_messages`).
 */
export const chatStreamTool = streamTool(Chat.method.getCompletionChunk, {
  accumulator: () => new ChatAccumulator(),
  manyOutputs: (request) => (request.n ?? 1) > 1,
  activity: (request) => request.include.includes(IncludeOption.VERBOSE_STREAMING),
  extraText: (request, result) =>
    request.storeMessages && result.id ? storedResponseLine(result.id) : undefined,
});
