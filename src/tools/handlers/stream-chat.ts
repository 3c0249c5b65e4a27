import type { DescMethod, DescMethodServerStreaming } from "@bufbuild/protobuf";
import {
  type GetChatCompletionChunkSchema,
  type GetCompletionsRequest,
  type GetCompletionsRequestSchema,
  IncludeOption,
} from "../../../gen/xai/api/v1/chat_pb.js";
import { ChatAccumulator } from "../aggregate/chat-accumulator.js";
import { storedResponseLine } from "../render/stored.js";
import type { ToolHandler } from "../tool.js";
import { streamHandler } from "./stream-handler.js";

/**
 * The handler of `Chat.GetCompletionChunk`: the streamed answer arrives as progress (with verbose
 * streaming, each server-side tool call too, as its own line), the result is the aggregated
 * `GetChatCompletionResponse` (plus the id to continue from when `store_messages`).
 */
export function chatStreamHandler(method: DescMethod): ToolHandler {
  return streamHandler(
    method as DescMethodServerStreaming<
      typeof GetCompletionsRequestSchema,
      typeof GetChatCompletionChunkSchema
    >,
    {
      accumulator: () => new ChatAccumulator(),
      manyOutputs: (request) => ((request as GetCompletionsRequest).n ?? 1) > 1,
      activity: (request) =>
        (request as GetCompletionsRequest).include.includes(IncludeOption.VERBOSE_STREAMING),
      extraText: (request, result) =>
        (request as GetCompletionsRequest).storeMessages && result.id
          ? storedResponseLine(result.id)
          : undefined,
    },
  );
}
