import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { isXaiGrpcError, nonGrpcAnswer, type XaiGrpcError } from "../grpc/grpc-error.js";
import { Status } from "../grpc/status.js";

/** What the user can do about each gRPC status, in the words an agent can pass on. */
const ADVICE: Partial<Record<number, string>> = {
  [Status.UNAUTHENTICATED]:
    "The key was refused. Check XAI_API_KEY (XAI_MANAGEMENT_KEY for collections tools) and restart the server.",
  [Status.PERMISSION_DENIED]:
    "The key is valid but not allowed to do this (team permissions, ACLs or a blocked key). Check it in the xAI console.",
  [Status.INVALID_ARGUMENT]: "Fix the argument the message names and call again.",
  [Status.NOT_FOUND]:
    "Check the id or model name; list the available ones with the matching list tool (e.g. models_list_language_models).",
  [Status.ALREADY_EXISTS]: "It exists already: use the existing one or pick another id or name.",
  [Status.FAILED_PRECONDITION]:
    "The resource is not in a state that allows this; check its current state first.",
  [Status.RESOURCE_EXHAUSTED]:
    "A rate limit, quota or size limit was hit. Wait before retrying, send less at once, or check the team's credits.",
  [Status.DEADLINE_EXCEEDED]:
    "The call took longer than the deadline. Retry, ask for less, or raise the server's timeout (--timeout).",
  [Status.UNAVAILABLE]:
    "xAI could not be reached (network, DNS or an outage); it was retried already. Check the host setting and try again later.",
  [Status.CANCELLED]: "The call was cancelled before it finished.",
  [Status.UNIMPLEMENTED]:
    "This server does not offer the method; check the host setting points at the xAI API.",
  [Status.INTERNAL]: "xAI reported an internal error. Retrying later may help.",
  [Status.UNKNOWN]: "The call failed for an unknown reason; retrying may help.",
  [Status.DATA_LOSS]: "xAI reported data loss. Retry; if it persists, report it.",
  [Status.ABORTED]: "The operation was aborted (often a conflict). Retry.",
  [Status.OUT_OF_RANGE]: "A value is out of its allowed range; fix it and call again.",
};

/**
 * `NOT_FOUND` names something the call referred to; what to check depends on the tool. By tool,
 * then by toolset; anything else gets the general advice.
 */
const NOT_FOUND_BY_TOOL: Readonly<Record<string, string>> = {
  chat_get_deferred_completion:
    "The request_id is unknown or has expired (deferred results are kept only for a while). Use the request_id chat_start_deferred_completion returned, or start the completion again.",
  video_get_deferred_video:
    "The request_id is unknown or has expired (deferred results are kept only for a while). Use the request_id video_generate_video or video_extend_video returned, or start the video again.",
  chat_get_stored_completion:
    "The response id is unknown, was deleted or has expired; only responses created with store_messages: true are kept.",
  chat_delete_stored_completion:
    "The response id is unknown or was deleted already; only responses created with store_messages: true are kept.",
};
const NOT_FOUND_BY_TOOLSET: Readonly<Record<string, string>> = {
  files: "Check the file_id; files_list_files lists the files.",
  batch:
    "Check the batch_id (batch_list_batches lists them) and any batch_request_id (batch_list_batch_request_metadata).",
  collections:
    "Check the collection_id (collections_list_collections) and any file_id (collections_list_documents).",
  documents: "Check the collection ids in source; collections_list_collections lists them.",
};

function adviceFor(code: number, toolName: string): string {
  if (code === Status.NOT_FOUND) {
    const specific = NOT_FOUND_BY_TOOL[toolName] ?? NOT_FOUND_BY_TOOLSET[toolName.split("_")[0] ?? ""];
    if (specific) return specific;
  }
  return ADVICE[code] ?? "Retrying may help.";
}

/** Follows `cause` links for a network-level reason: connection refused, DNS, TLS. */
function networkCause(e: unknown): string | undefined {
  let current: unknown = e;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^(E[A-Z]+|ERR_[A-Z_]+)$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The `isError` result of a failed RPC: status, the server's message, and what to do. */
export function grpcErrorResult(e: XaiGrpcError, toolName: string): CallToolResult {
  const notGrpc = nonGrpcAnswer(e);
  if (notGrpc) return nonGrpcResult(e, toolName, notGrpc);
  const advice = adviceFor(e.code, toolName);
  const cause = networkCause(e.cause);
  const lines = [
    `${toolName} failed: ${e.status} (gRPC status ${e.code}) from ${e.method}.`,
    `Server message: ${e.details || "(none)"}`,
    ...(cause ? [`Network cause: ${cause}`] : []),
    `What to do: ${advice}`,
  ];
  return {
    isError: true,
    content: [{ type: "text", text: lines.join("\n") }],
    structuredContent: { error: { status: e.status, code: e.code, message: e.details, method: e.method } },
  };
}

/** A host that is not a gRPC server (a proxy's error page, a web server): said as it is. */
function nonGrpcResult(e: XaiGrpcError, toolName: string, what: string): CallToolResult {
  const setting = e.method.startsWith("/collections.") ? "XAI_MANAGEMENT_API_HOST" : "XAI_API_HOST";
  const lines = [
    `${toolName} failed: ${what} (grpc-js reported it as ${e.status}) from ${e.method}.`,
    `Client message: ${e.details}`,
    `What to do: The address is not the xAI gRPC API, or a proxy in between failed. Check ${setting} ` +
      `(and any proxy settings) and restart the server; if it is right, the API may be down: try again later.`,
  ];
  return {
    isError: true,
    content: [{ type: "text", text: lines.join("\n") }],
    structuredContent: {
      error: { status: e.status, code: e.code, message: e.details, method: e.method, not_grpc: what },
    },
  };
}

/** The `isError` result of bad arguments: one line per offending field path. */
export function argumentErrorResult(toolName: string, problems: readonly string[]): CallToolResult {
  // Bounded, whatever was sent: a list of 50,000 bad items (or a 10 MB key echoed in its line) would
  // make an answer bigger than clients read (the SDK's stdio client drops the connection at 10 MiB).
  const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).map((p) => `- ${elide(p, MAX_PROBLEM_CHARS)}`);
  const more = problems.length - shown.length;
  if (more > 0) shown.push(`- … and ${more} more problem${more === 1 ? "" : "s"}`);
  return {
    isError: true,
    content: [
      {
        type: "text",
        text: `Invalid arguments for ${toolName}:\n${shown.join("\n")}\nFix these fields and call again; nothing was sent to xAI.`,
      },
    ],
  };
}

/** Problems listed in an argument error; the rest are counted. */
export const MAX_PROBLEMS_SHOWN = 20;
/** The longest line of an argument error, in characters. */
const MAX_PROBLEM_CHARS = 500;

/** `text` cut to `max` characters, keeping its start and end. */
function elide(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = 100;
  return `${text.slice(0, max - end - 30)}… [${text.length - max + 30} characters elided] …${text.slice(-end)}`;
}

/** Any failure as an `isError` result; nothing escapes to crash the server. */
export function errorResult(e: unknown, toolName: string): CallToolResult {
  if (isXaiGrpcError(e)) return grpcErrorResult(e, toolName);
  const message = e instanceof Error ? e.message : String(e);
  return {
    isError: true,
    content: [{ type: "text", text: `${toolName} failed: ${message}` }],
  };
}
