import type { Status } from "../../../gen/google/rpc/status_pb.js";
import {
  BatchMgmt,
  type BatchRequest,
  type BatchRequestMetadata,
  BatchRequestMetadata_State,
  type BatchResult,
  type BatchResultData,
  type GetBatchRequestResultResponse,
  type ListBatchRequestMetadataResponse,
  type ListBatchResultsResponse,
} from "../../../gen/xai/api/v1/batch_pb.js";
import { MessageRole } from "../../../gen/xai/api/v1/chat_pb.js";
import type { GeneratedImage } from "../../../gen/xai/api/v1/image_pb.js";
import { statusName } from "../../grpc/status.js";
import { toolNameOf } from "../tool-names.js";
import { pageTokenLine, timestampText } from "./batch.js";
import { answerOutput, messageText, outputsByIndex } from "./chat.js";

type Json = Record<string, unknown>;

/** Rows a page's text lists one by one (failures first); structuredContent has them all. */
export const MAX_TEXT_ROWS = 20;

/** Text cut to one short line. */
export function preview(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** `NOT_FOUND: model grok-9 does not exist`, from a `google.rpc.Status`. */
export function statusText(error: Status): string {
  return `${statusName(error.code)}: ${error.message || "(no message)"}`;
}

/** Where a generated image is: its URL, that it came as base64, or that moderation emptied it. */
function imageWhere(image: GeneratedImage): string {
  const { case: kind, value } = image.image;
  if (kind === "url" && value) return value;
  if (kind === "base64" && value) return "base64 data URL";
  return "empty (moderated)";
}

/** A short description of a successful `BatchResultData`: the answer's start, or what was generated. */
export function resultPreview(data: BatchResultData | undefined): string {
  if (!data) return "no output";
  const output = data.response;
  switch (output.case) {
    case "completionResponse": {
      const first = answerOutput(outputsByIndex(output.value).get(0) ?? []);
      return `"${preview(messageText(first?.message))}"`;
    }
    case "imageResponse": {
      const images = output.value.images;
      return `${images.length} image(s): ${preview(images.map(imageWhere).join(", "), 160)}`;
    }
    case "videoResponse":
      return `video ${output.value.video?.url || "(no url)"}`;
    default:
      return "output of an unknown kind";
  }
}

/** One result as a line: `- id: ok — "answer…"` or `- id: NOT_FOUND: message`. */
export function resultLine(result: BatchResult): string {
  const id = result.batchRequestId;
  const outcome = result.result;
  if (outcome.case === "error") return `- ${id}: ${statusText(outcome.value)}`;
  if (outcome.case === "response") return `- ${id}: ok — ${resultPreview(outcome.value)}`;
  return `- ${id}: no result yet (pending or cancelled)`;
}

/** Lines listing `rows`, failures first, at most {@link MAX_TEXT_ROWS}, then how many were left out. */
function listRows<R>(rows: readonly R[], line: (r: R) => string, failed: (r: R) => boolean): string[] {
  const ordered = [...rows.filter(failed), ...rows.filter((r) => !failed(r))];
  const out = ordered.slice(0, MAX_TEXT_ROWS).map(line);
  if (ordered.length > MAX_TEXT_ROWS) {
    out.push(
      `- … ${ordered.length - MAX_TEXT_ROWS} more (in structuredContent; or write them with output_path)`,
    );
  }
  return out;
}

const isFailure = (r: BatchResult) => r.result.case === "error";

/** A page of `ListBatchResultsResponse`: counts, failures with status names first, then answers. */
export function renderResultsPage(response: ListBatchResultsResponse, args: Json = {}): string {
  const results = response.results;
  const failed = results.filter(isFailure).length;
  const lines = [`${results.length} results: ${results.length - failed} succeeded, ${failed} failed.`];
  lines.push(...listRows(results, resultLine, isFailure));
  lines.push(pageTokenLine(response.paginationToken, BatchMgmt.method.listBatchResults, args));
  return lines.join("\n");
}

/** A request state's name (`SUCCEEDED`), or its number when this server does not know it. */
export function stateName(state: BatchRequestMetadata_State): string {
  return BatchRequestMetadata_State[state] ?? String(state);
}

/** Requests per state, as `80 SUCCEEDED, 20 PENDING`. */
export function stateCounts(rows: readonly BatchRequestMetadata[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(stateName(r.state), (counts.get(stateName(r.state)) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${s}`).join(", ") || "none";
}

/** One request's state as a line: `- id: SUCCEEDED · grok-4 · /v1/chat/completions · finished …`. */
function metadataLine(r: BatchRequestMetadata): string {
  return (
    `- ${r.batchRequestId}: ${stateName(r.state)} · ${r.model} · ${r.endpoint}` +
    (r.finishTime ? ` · finished ${timestampText(r.finishTime)}` : "")
  );
}

/** A page of `ListBatchRequestMetadataResponse`: counts by state, then one line per request. */
export function renderMetadataPage(response: ListBatchRequestMetadataResponse, args: Json = {}): string {
  const rows = response.batchRequestMetadata;
  const lines = [`${rows.length} requests (${stateCounts(rows)}).`];
  lines.push(...listRows(rows, metadataLine, (r) => r.state === BatchRequestMetadata_State.FAILED));
  lines.push(pageTokenLine(response.paginationToken, BatchMgmt.method.listBatchRequestMetadata, args));
  return lines.join("\n");
}

/** What each kind of batch request is called. */
const REQUEST_KINDS: Record<NonNullable<BatchRequest["request"]["case"]>, string> = {
  completionRequest: "chat completion",
  imageRequest: "image generation",
  videoRequest: "video generation",
  videoExtensionRequest: "video extension",
};

/** The kind and model of a `BatchRequest`: `chat completion (grok-4)`. */
export function requestKind(request: BatchRequest | undefined): string {
  const kind = request?.request;
  if (kind?.case === undefined) return "request";
  return `${REQUEST_KINDS[kind.case]}${kind.value.model ? ` (${kind.value.model})` : ""}`;
}

/** A `GetBatchRequestResultResponse`: what was asked, and its outcome. */
export function renderRequestResult(response: GetBatchRequestResultResponse): string {
  const { request, result } = response;
  const id = result?.batchRequestId || request?.batchRequestId || "";
  const head = `Batch request ${id}, a ${requestKind(request)}:`;
  const outcome = result?.result;
  if (outcome?.case === "error") return `${head} failed with ${statusText(outcome.value)}`;
  if (outcome?.case === "response") {
    const data = outcome.value;
    if (data.response.case === "completionResponse") {
      const text = data.response.value.outputs
        .filter((o) => o.message?.role !== MessageRole.ROLE_TOOL)
        .map((o) => messageText(o.message))
        .filter(Boolean)
        .join("\n\n");
      return `${head} succeeded.\n${text}`;
    }
    return `${head} succeeded: ${resultPreview(data)}`;
  }
  return `${head} no result yet: still pending, or cancelled (see ${toolNameOf(BatchMgmt.method.listBatchRequestMetadata)} for its state).`;
}
