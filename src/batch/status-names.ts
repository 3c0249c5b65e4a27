import { statusName } from "../grpc/status.js";

type Json = Record<string, unknown>;

/**
 * A `google.rpc.Status` in JSON with its status name added beside the number:
 * `{code: 5, status: "NOT_FOUND", message}`. Agents read names; the numbers are easy to misread.
 */
export function namedStatus(status: Json): Json {
  const code = Number(status.code ?? 0);
  const { code: _c, ...rest } = status;
  return { code, status: statusName(code), ...rest };
}

/** A `BatchResult` in JSON with the status name added to its `error`, if it has one. */
export function withStatusName(result: Json): Json {
  const error = result.error;
  if (error === null || typeof error !== "object") return result;
  return { ...result, error: namedStatus(error as Json) };
}
