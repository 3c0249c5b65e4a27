import type { ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { Chat } from "../../gen/xai/api/v1/chat_pb.js";
import { renderChatCompletion } from "../tools/render/chat.js";
import { responseJson } from "../tools/result.js";
import { jsonWithSummary, type ReadContext } from "./resource-contents.js";

/** `xai://chat/stored/{response_id}`: the stored completion as JSON, then its answer text. */
export async function readStoredCompletion(
  ctx: ReadContext,
  uri: string,
  id: string,
): Promise<ReadResourceResult> {
  const m = Chat.method.getStoredCompletion;
  const response = await ctx.client.unary(m, { responseId: id }, { signal: ctx.signal });
  return { contents: jsonWithSummary(uri, responseJson(m.output, response), renderChatCompletion(response)) };
}
