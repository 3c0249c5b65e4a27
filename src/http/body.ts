import type { IncomingMessage } from "node:http";
import { formatBytes } from "../media/byte-size.js";

/** A JSON-RPC error answer to send instead of handing the request to MCP. */
export interface BodyProblem {
  readonly status: 400 | 413;
  readonly code: number;
  readonly message: string;
}

/**
 * The error for a message over the size limit: names the limit, the setting that raises it, and the
 * way around it for the one tool that takes large inline content.
 */
export function oversizedMessage(size: string, limitBytes: number, setting: string): string {
  return (
    `the request is ${size}, over this server's limit of ${formatBytes(limitBytes)} (${setting}); ` +
    'upload large files with files_upload_file\'s "path" (a file inside the allowed directories) ' +
    "instead of inline content"
  );
}

/** JSON-RPC's error code for a request the server cannot take (implementation-defined range). */
export const REQUEST_TOO_LARGE = -32600;

/**
 * Reads and parses a JSON request body of at most `limit` bytes. A declared `Content-Length` over
 * the limit is refused before reading; a body that grows past it is refused as soon as it does.
 */
export async function readJsonBody(
  req: IncomingMessage,
  limit: number,
): Promise<{ value: unknown } | { problem: BodyProblem }> {
  const setting = "--http-max-body-bytes";
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    return {
      problem: {
        status: 413,
        code: REQUEST_TOO_LARGE,
        message: oversizedMessage(formatBytes(declared), limit, setting),
      },
    };
  }
  const read = await new Promise<Buffer | "too-large">((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      // Stop keeping what comes, but keep reading (and dropping) it: the answer can then be read.
      req.off("data", onData);
      req.resume();
      resolve("too-large");
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks, size)));
    req.once("error", reject);
  });
  if (read === "too-large") {
    return {
      problem: {
        status: 413,
        code: REQUEST_TOO_LARGE,
        message: oversizedMessage(`over ${formatBytes(limit)}`, limit, setting),
      },
    };
  }
  try {
    return { value: JSON.parse(read.toString("utf8")) };
  } catch (e) {
    return {
      problem: {
        status: 400,
        code: -32700,
        message: `Parse error: the body is not JSON (${e instanceof Error ? e.message : String(e)})`,
      },
    };
  }
}
