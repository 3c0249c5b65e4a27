import { create } from "@bufbuild/protobuf";
import {
  GetChatCompletionResponseSchema,
  type GetDeferredCompletionResponse,
} from "../../../gen/xai/api/v1/chat_pb.js";
import { DeferredStatus } from "../../../gen/xai/api/v1/deferred_pb.js";
import type { GetDeferredVideoResponse, VideoResponse } from "../../../gen/xai/api/v1/video_pb.js";
import { renderChatCompletion } from "./chat.js";
import { storedResponseLine } from "./stored.js";

/** What the agent needs to word a deferred result: which job, which tools, how long we waited. */
export interface DeferredTextContext {
  readonly requestId: string;
  /** The tool that polls this job, e.g. `chat_get_deferred_completion`. */
  readonly pollTool: string;
  /** The tool that starts a new job, e.g. `chat_start_deferred_completion`. */
  readonly startTool: string;
  /** Polls made by this call. */
  readonly polls: number;
  /** Seconds this call waited. */
  readonly waitedSeconds: number;
  /** The `wait_seconds` asked for (0: a single poll). */
  readonly waitSeconds: number;
}

/** The line of a job still running: say so, and how to check again. */
function pendingText(what: string, c: DeferredTextContext, percent: number | undefined): string {
  const done = percent !== undefined ? ` (${percent}% done)` : "";
  const waited = c.waitSeconds > 0 ? ` after waiting ${c.waitedSeconds} s (${c.polls} checks)` : "";
  return (
    `PENDING: the ${what} ${c.requestId} is still running${done}${waited}. ` +
    `Call ${c.pollTool} again with {"request_id":"${c.requestId}"}; add "wait_seconds" (up to 600) to wait for it in one call.`
  );
}

function expiredText(what: string, c: DeferredTextContext): string {
  return (
    `EXPIRED: the result of ${what} ${c.requestId} is no longer available (deferred results are kept for a limited time). ` +
    `Start a new one with ${c.startTool}.`
  );
}

function failedText(what: string, c: DeferredTextContext, reason: string): string {
  return `FAILED: the ${what} ${c.requestId} failed${reason ? `: ${reason}` : ""}. No result will come; start a new one with ${c.startTool}.`;
}

function unknownText(what: string, c: DeferredTextContext, status: string): string {
  return `The ${what} ${c.requestId} reported status ${status || "(none)"}, which this server does not know; call ${c.pollTool} again.`;
}

/**
 * A status as the agent reads it: its name, its number when this server does not know it, and ""
 * for the unset value (the JSON mapping leaves it out).
 */
function statusWord(status: DeferredStatus): string {
  if (status === DeferredStatus.INVALID_DEFERRED_STATUS) return "";
  return DeferredStatus[status] ?? String(status);
}

/** The text of a `GetDeferredCompletionResponse`: the answer when DONE, else the status in plain words. */
export function renderDeferredCompletion(
  response: GetDeferredCompletionResponse,
  c: DeferredTextContext,
): string {
  switch (response.status) {
    case DeferredStatus.DONE: {
      const completion = response.response ?? create(GetChatCompletionResponseSchema);
      const lines = [
        `DONE: deferred completion ${c.requestId} is ready.`,
        "",
        renderChatCompletion(completion),
      ];
      if (completion.settings?.storeMessages && completion.id) lines.push(storedResponseLine(completion.id));
      return lines.join("\n");
    }
    case DeferredStatus.PENDING:
      return pendingText("deferred completion", c, undefined);
    case DeferredStatus.EXPIRED:
      return expiredText("deferred completion", c);
    case DeferredStatus.FAILED:
      return failedText("deferred completion", c, "");
    default:
      return unknownText("deferred completion", c, statusWord(response.status));
  }
}

/** The lines describing a finished video: where to get it, and what else the job reported. */
function videoLines(response: VideoResponse | undefined): string[] {
  const video = response?.video;
  if (!video) return ["The job reported no video."];
  const lines: string[] = [];
  if (!video.respectModeration) lines.push("Moderation blocked this video; no playable URL was returned.");
  if (video.url) lines.push(`URL: ${video.url} (temporary: download or store it soon)`);
  const facts = [video.duration !== 0 && `${video.duration} s`, response.model && `model ${response.model}`];
  if (facts.some(Boolean)) lines.push(facts.filter(Boolean).join(" · "));
  const file = video.fileOutput;
  if (file?.fileId) {
    lines.push(
      `Stored as file ${file.fileId}${file.filename ? ` (${file.filename})` : ""}` +
        `${file.publicUrl ? `, public URL ${file.publicUrl}` : ""}`,
    );
  }
  if (file?.publicUrlError) lines.push(`Public URL not created: ${file.publicUrlError}`);
  if (video.storageError) lines.push(`Storing the video failed: ${video.storageError}`);
  return lines;
}

/** The text of a `GetDeferredVideoResponse`: the video when DONE, else the status and progress. */
export function renderDeferredVideo(response: GetDeferredVideoResponse, c: DeferredTextContext): string {
  const inner = response.response;
  switch (response.status) {
    case DeferredStatus.DONE:
      return [`DONE: video ${c.requestId} is ready.`, ...videoLines(inner)].join("\n");
    case DeferredStatus.PENDING:
      return pendingText("video job", c, inner?.progress);
    case DeferredStatus.EXPIRED:
      return expiredText("video job", c);
    case DeferredStatus.FAILED: {
      const error = inner?.error;
      const reason = error ? [error.code, error.message].filter(Boolean).join(": ") : "";
      return failedText("video job", c, reason);
    }
    default:
      return unknownText("video job", c, statusWord(response.status));
  }
}

/** The text of a started deferred job: its id, and how to fetch the result. */
export function renderDeferredStart(what: string, requestId: string, pollTool: string): string {
  return (
    `Started ${what}; request_id ${requestId}. Fetch the result with ${pollTool} {"request_id":"${requestId}"} ` +
    `(add "wait_seconds": 60 to wait for it in one call). Results are kept for a limited time.`
  );
}
