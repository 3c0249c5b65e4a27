import type { IncomingMessage } from "node:http";
import type { JSONRPCErrorResponse } from "@modelcontextprotocol/sdk/types.js";
import { messageTooLargeError } from "../transport/message-limits.js";

/** An answer to send instead of handing the request to MCP: the HTTP status and the JSON-RPC error. */
export interface BodyProblem {
  readonly status: 400 | 413;
  readonly error: JSONRPCErrorResponse;
}

/**
 * Reads and parses a JSON request body of at most `limit` bytes (`--max-message-bytes`, the same
 * limit and the same error as a line on stdio). A declared `Content-Length` over the limit is refused
 * before reading; a body that grows past it is refused as soon as it does, and the rest is read and
 * dropped so that the client can read the answer.
 */
export async function readJsonBody(
  req: IncomingMessage,
  limit: number,
): Promise<{ value: unknown } | { problem: BodyProblem }> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    return { problem: { status: 413, error: messageTooLargeError(null, limit) } };
  }
  const read = await new Promise<Buffer | { tooLarge: number }>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off("data", onData);
      req.resume();
      resolve({ tooLarge: size });
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks, size)));
    req.once("error", reject);
  });
  if (!Buffer.isBuffer(read)) {
    return { problem: { status: 413, error: messageTooLargeError(null, limit, read.tooLarge) } };
  }
  try {
    return { value: JSON.parse(read.toString("utf8")) };
  } catch (e) {
    return {
      problem: {
        status: 400,
        error: {
          jsonrpc: "2.0",
          id: null as unknown as string,
          error: {
            code: -32700,
            message: `Parse error: the body is not JSON (${e instanceof Error ? e.message : String(e)})`,
          },
        },
      },
    };
  }
}
