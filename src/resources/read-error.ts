import { ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import { isXaiGrpcError } from "../grpc/grpc-error.js";
import { Status } from "../grpc/status.js";
import { JsonRpcError } from "../json-rpc-error.js";
import { grpcErrorResult } from "../tools/tool-error.js";
import { RESOURCE_NOT_FOUND } from "./resource-uris.js";

/** What failed: the resource (or completion) and the id it names, if any. */
export interface FailedRead {
  /** What was asked for: a resource URI, or `completion of file_id`. */
  readonly target: string;
  /** What the id names: `file`, `batch`… */
  readonly noun?: string;
  readonly id?: string;
}

/**
 * A failed read as the JSON-RPC error the client gets, mapped like the tools' errors: a `NOT_FOUND`
 * names the id that does not exist; any other gRPC failure carries the tools' text (status, xAI's
 * message, what to do). Keys are taken out on the way out, like from every answer.
 */
export function readError(e: unknown, what: FailedRead): JsonRpcError {
  if (e instanceof JsonRpcError) return e;
  if (isXaiGrpcError(e)) {
    const data = { target: what.target, status: e.status, grpc_code: e.code };
    if (e.code === Status.NOT_FOUND && what.id !== undefined) {
      const message =
        `Resource not found: ${what.target}: no ${what.noun ?? "object"} with id "${what.id}" ` +
        `(${e.status} from ${e.method}: ${e.details || "no message"}). Check the id; the list tools and completion/complete show the existing ones.`;
      return new JsonRpcError(RESOURCE_NOT_FOUND, message, data);
    }
    const result = grpcErrorResult(e, `Reading ${what.target}`);
    const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
    const code = e.code === Status.INVALID_ARGUMENT ? ErrorCode.InvalidParams : ErrorCode.InternalError;
    return new JsonRpcError(code, text, data);
  }
  const message = e instanceof Error ? e.message : String(e);
  return new JsonRpcError(ErrorCode.InternalError, `Reading ${what.target} failed: ${message}`);
}
