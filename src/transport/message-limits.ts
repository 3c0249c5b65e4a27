import type { JSONRPCErrorResponse, RequestId } from "@modelcontextprotocol/sdk/types.js";

/**
 * The largest JSON-RPC message the server reads, in bytes, unless configured otherwise
 * (`--max-message-bytes`, `XAI_MCP_MAX_MESSAGE_BYTES`). It is above the largest request the API
 * takes (20 MiB gRPC messages, which JSON and base64 make about a third bigger) and leaves room for a
 * `files_upload_file` with up to {@link maxInlineUploadBytes} of `content_base64`; bigger uploads
 * read a local file with `path`, streamed in chunks.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

/** JSON-RPC's "Invalid Request": the message was not read, so it is not a valid request. */
export const MESSAGE_TOO_LARGE_CODE = -32600;

/** The largest upload content that fits in a message of `limit` bytes as base64 (with room for the rest). */
export function maxInlineUploadBytes(limit: number): number {
  return Math.floor(((limit - 64 * 1024) * 3) / 4);
}

const mib = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;

/** The sentence a client gets for a message over the limit (stdio and HTTP alike). */
export function messageTooLargeText(limit: number, received?: number): string {
  const size = received !== undefined ? ` (${received} bytes read so far)` : "";
  return (
    `Message too large: the server reads JSON-RPC messages of at most ${limit} bytes (${mib(limit)})${size}; ` +
    `the message was not read. Send large content as a local file instead: files_upload_file takes ` +
    `\`path\` (inside the allowed directories) for anything over ${mib(maxInlineUploadBytes(limit))}. ` +
    `The limit is set with --max-message-bytes or XAI_MCP_MAX_MESSAGE_BYTES.`
  );
}

/** The JSON-RPC error answering a message over the limit; `id` null when it could not be read. */
export function messageTooLargeError(
  id: RequestId | null,
  limit: number,
  received?: number,
): JSONRPCErrorResponse {
  return {
    jsonrpc: "2.0",
    // The SDK's type has no null id, but JSON-RPC 2.0 answers an unreadable request with one.
    id: id as RequestId,
    error: { code: MESSAGE_TOO_LARGE_CODE, message: messageTooLargeText(limit, received), data: { limit } },
  };
}
