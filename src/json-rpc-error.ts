/**
 * An error answered as a JSON-RPC error with this code, message and data. Unlike the SDK's
 * `McpError`, whose message starts with `MCP error <code>: `, the message stays as written: the
 * client adds that prefix itself, and would otherwise show it twice.
 */
export class JsonRpcError extends Error {
  override readonly name = "JsonRpcError";
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}
