import { fromJson, type JsonObject } from "@bufbuild/protobuf";
import { BatchMgmt } from "../../../gen/xai/api/v1/batch_pb.js";
import { GetChatCompletionResponseSchema, MessageRole } from "../../../gen/xai/api/v1/chat_pb.js";
import { statusName } from "../../grpc/status.js";
import { toolNameOf } from "../tool-names.js";
import { pageTokenLine } from "./batch.js";
import { answerOutput, messageText, outputsByIndex } from "./chat.js";

type Json = Record<string, unknown>;

const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined ? "" : String(v));

/** Rows a page's text lists one by one (failures first); structuredContent has them all. */
export const MAX_TEXT_ROWS = 20;

/** Text cut to one short line. */
export function preview(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** `NOT_FOUND: model grok-9 does not exist`, from a `google.rpc.Status` in JSON (names win over numbers). */
export function statusText(error: Json): string {
  const name = typeof error.status === "string" ? error.status : statusName(Number(error.code ?? 0));
  return `${name}: ${str(error.message) || "(no message)"}`;
}

/**
 * A batch result's chat response, typed: results are listed and written as protobuf JSON (a file
 * holds them so), and read back here through the same mapping.
 */
const chatResponse = (json: Json) =>
  fromJson(GetChatCompletionResponseSchema, json as JsonObject, { ignoreUnknownFields: true });

/** A short description of a successful `BatchResultData`: the answer's start, or what was generated. */
export function resultPreview(data: Json | undefined): string {
  if (!data) return "no output";
  const completion = data.completion_response as Json | undefined;
  if (completion) {
    const first = answerOutput(outputsByIndex(chatResponse(completion)).get(0) ?? []);
    return `"${preview(messageText(first?.message))}"`;
  }
  const image = data.image_response as Json | undefined;
  if (image) {
    const images = arr(image.images);
    const where = images.map((i) =>
      i.url ? str(i.url) : i.base64 ? "base64 data URL" : "empty (moderated)",
    );
    return `${images.length} image(s): ${preview(where.join(", "), 160)}`;
  }
  const video = data.video_response as Json | undefined;
  if (video) return `video ${str((video.video as Json | undefined)?.url) || "(no url)"}`;
  return "output of an unknown kind";
}

/** One result as a line: `- id: ok — "answer…"` or `- id: NOT_FOUND: message`. */
export function resultLine(result: Json): string {
  const id = str(result.batch_request_id);
  if (result.error) return `- ${id}: ${statusText(result.error as Json)}`;
  if (result.response) return `- ${id}: ok — ${resultPreview(result.response as Json)}`;
  return `- ${id}: no result yet (pending or cancelled)`;
}

/** Lines listing `rows`, failures first, at most {@link MAX_TEXT_ROWS}, then how many were left out. */
function listRows(rows: readonly Json[], line: (r: Json) => string, failed: (r: Json) => boolean): string[] {
  const ordered = [...rows.filter(failed), ...rows.filter((r) => !failed(r))];
  const out = ordered.slice(0, MAX_TEXT_ROWS).map(line);
  if (ordered.length > MAX_TEXT_ROWS) {
    out.push(
      `- … ${ordered.length - MAX_TEXT_ROWS} more (in structuredContent; or write them with output_path)`,
    );
  }
  return out;
}

/** A page of `ListBatchResultsResponse`: counts, failures with status names first, then answers. */
export function renderResultsPage(response: Json, args: Json = {}): string {
  const results = arr(response.results);
  const failed = results.filter((r) => r.error).length;
  const lines = [`${results.length} results: ${results.length - failed} succeeded, ${failed} failed.`];
  lines.push(...listRows(results, resultLine, (r) => Boolean(r.error)));
  lines.push(pageTokenLine(response.pagination_token, BatchMgmt.method.listBatchResults, args));
  return lines.join("\n");
}

/** State names without their prefix: `SUCCEEDED`. */
const shortState = (s: unknown) => str(s).replace(/^STATE_/, "") || "UNKNOWN";

/** Requests per state, as `80 SUCCEEDED, 20 PENDING`. */
export function stateCounts(rows: readonly Json[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(shortState(r.state), (counts.get(shortState(r.state)) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${s}`).join(", ") || "none";
}

/** A page of `ListBatchRequestMetadataResponse`: counts by state, then one line per request. */
export function renderMetadataPage(response: Json, args: Json = {}): string {
  const rows = arr(response.batch_request_metadata);
  const lines = [`${rows.length} requests (${stateCounts(rows)}).`];
  const line = (r: Json) =>
    `- ${str(r.batch_request_id)}: ${shortState(r.state)} · ${str(r.model)} · ${str(r.endpoint)}` +
    (r.finish_time ? ` · finished ${str(r.finish_time)}` : "");
  lines.push(...listRows(rows, line, (r) => r.state === "STATE_FAILED"));
  lines.push(pageTokenLine(response.pagination_token, BatchMgmt.method.listBatchRequestMetadata, args));
  return lines.join("\n");
}

/** The kind and model of a `BatchRequest` in JSON: `chat completion (grok-4)`. */
export function requestKind(request: Json | undefined): string {
  if (!request) return "request";
  const kinds: [string, string][] = [
    ["completion_request", "chat completion"],
    ["image_request", "image generation"],
    ["video_request", "video generation"],
    ["video_extension_request", "video extension"],
  ];
  for (const [field, label] of kinds) {
    const r = request[field] as Json | undefined;
    if (r) return `${label}${r.model ? ` (${str(r.model)})` : ""}`;
  }
  return "request";
}

/** A `GetBatchRequestResultResponse`: what was asked, and its outcome. */
export function renderRequestResult(response: Json): string {
  const request = response.request as Json | undefined;
  const result = (response.result ?? {}) as Json;
  const id = str(result.batch_request_id) || str(request?.batch_request_id);
  const head = `Batch request ${id}, a ${requestKind(request)}:`;
  if (result.error) return `${head} failed with ${statusText(result.error as Json)}`;
  if (result.response) {
    const data = result.response as Json;
    const completion = data.completion_response as Json | undefined;
    if (completion) {
      const text = chatResponse(completion)
        .outputs.filter((o) => o.message?.role !== MessageRole.ROLE_TOOL)
        .map((o) => messageText(o.message))
        .filter(Boolean)
        .join("\n\n");
      return `${head} succeeded.\n${text}`;
    }
    return `${head} succeeded: ${resultPreview(data)}`;
  }
  return `${head} no result yet: still pending, or cancelled (see ${toolNameOf(BatchMgmt.method.listBatchRequestMetadata)} for its state).`;
}
