/**
 * The line under a stored chat response: the id to continue from, and the tools that fetch and
 * delete it. Stored responses are what `previous_response_id` continues, so the agent needs the id.
 */
export function storedResponseLine(responseId: string): string {
  return (
    `Stored as ${responseId}. To continue this conversation, call chat_get_completion with ` +
    `"previous_response_id": "${responseId}" and only the new messages; fetch it with ` +
    "chat_get_stored_completion, delete it with chat_delete_stored_completion."
  );
}

/** The text of a deleted stored response. */
export function deletedResponseText(responseId: string): string {
  return `Deleted stored response ${responseId}: it can no longer be fetched or continued with previous_response_id.`;
}
