import { Chat } from "../../../gen/xai/api/v1/chat_pb.js";
import { toolNameOf } from "../tool-names.js";

/**
 * The line under a stored chat response: the id to continue from, and the tools that fetch and
 * delete it. Stored responses are what `previous_response_id` continues, so the agent needs the id.
 */
export function storedResponseLine(responseId: string): string {
  return (
    `Stored as ${responseId}. To continue this conversation, call ${toolNameOf(Chat.method.getCompletion)} with ` +
    `"previous_response_id": "${responseId}" and only the new messages; fetch it with ` +
    `${toolNameOf(Chat.method.getStoredCompletion)}, delete it with ${toolNameOf(Chat.method.deleteStoredCompletion)}.`
  );
}

/** The text of a deleted stored response. */
export function deletedResponseText(responseId: string): string {
  return `Deleted stored response ${responseId}: it can no longer be fetched or continued with previous_response_id.`;
}
