import type { CompletionMessage, ToolCall } from "../../gen/xai/api/v1/chat_pb.js";
import type { Tokenizer } from "../tokenizer.js";

/** Tokens a tool call costs as output: its function's name and its JSON arguments. */
export function toolCallTokens(call: ToolCall, tokenizer: Tokenizer): number {
  if (call.tool.case !== "function") return 0;
  return tokenizer.count(call.tool.value.name) + tokenizer.count(call.tool.value.arguments);
}

/**
 * Output (completion) tokens of one generated message: its text plus its tool calls. Reasoning is
 * counted apart, as the API reports it in `reasoning_tokens`.
 */
export function completionTokens(message: CompletionMessage, tokenizer: Tokenizer): number {
  return (
    tokenizer.count(message.content) + message.toolCalls.reduce((n, c) => n + toolCallTokens(c, tokenizer), 0)
  );
}
