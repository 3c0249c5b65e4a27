import { fromJson, type JsonObject } from "@bufbuild/protobuf";
import { GetChatCompletionResponseSchema } from "../../../gen/xai/api/v1/chat_pb.js";
import { renderChatCompletion } from "./chat.js";
import { storedResponseLine } from "./stored.js";

type Json = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined ? "" : String(v));

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

/** The text of a `GetDeferredCompletionResponse`: the answer when DONE, else the status in plain words. */
export function renderDeferredCompletion(response: Json, c: DeferredTextContext): string {
  const status = str(response.status);
  switch (status) {
    case "DONE": {
      const completion = (response.response ?? {}) as Json;
      const settings = completion.settings as Json | undefined;
      const lines = [
        `DONE: deferred completion ${c.requestId} is ready.`,
        "",
        renderChatCompletion(fromJson(GetChatCompletionResponseSchema, completion as JsonObject)),
      ];
      if (settings?.store_messages && completion.id) lines.push(storedResponseLine(str(completion.id)));
      return lines.join("\n");
    }
    case "PENDING":
      return pendingText("deferred completion", c, undefined);
    case "EXPIRED":
      return expiredText("deferred completion", c);
    case "FAILED":
      return failedText("deferred completion", c, "");
    default:
      return unknownText("deferred completion", c, status);
  }
}

/** The lines describing a finished video: where to get it, and what else the job reported. */
function videoLines(video: Json | undefined, response: Json): string[] {
  const lines: string[] = [];
  if (!video) return ["The job reported no video."];
  if (video.respect_moderation === false)
    lines.push("Moderation blocked this video; no playable URL was returned.");
  if (video.url) lines.push(`URL: ${str(video.url)} (temporary: download or store it soon)`);
  const facts = [
    video.duration !== undefined && `${str(video.duration)} s`,
    response.model && `model ${str(response.model)}`,
  ].filter(Boolean);
  if (facts.length > 0) lines.push(facts.join(" · "));
  const file = video.file_output as Json | undefined;
  if (file?.file_id) {
    lines.push(
      `Stored as file ${str(file.file_id)}${file.filename ? ` (${str(file.filename)})` : ""}` +
        `${file.public_url ? `, public URL ${str(file.public_url)}` : ""}`,
    );
  }
  if (file?.public_url_error) lines.push(`Public URL not created: ${str(file.public_url_error)}`);
  if (video.storage_error) lines.push(`Storing the video failed: ${str(video.storage_error)}`);
  return lines;
}

/** The text of a `GetDeferredVideoResponse`: the video when DONE, else the status and progress. */
export function renderDeferredVideo(response: Json, c: DeferredTextContext): string {
  const status = str(response.status);
  const inner = (response.response ?? {}) as Json;
  // A zero percentage is left out of the JSON mapping; a response present means it was sent.
  const percent = response.response !== undefined ? Number(inner.progress ?? 0) : undefined;
  switch (status) {
    case "DONE":
      return [
        `DONE: video ${c.requestId} is ready.`,
        ...videoLines(inner.video as Json | undefined, inner),
      ].join("\n");
    case "PENDING":
      return pendingText("video job", c, percent);
    case "EXPIRED":
      return expiredText("video job", c);
    case "FAILED": {
      const error = inner.error as Json | undefined;
      const reason = error ? [str(error.code), str(error.message)].filter(Boolean).join(": ") : "";
      return failedText("video job", c, reason);
    }
    default:
      return unknownText("video job", c, status);
  }
}

/** The text of a started deferred job: its id, and how to fetch the result. */
export function renderDeferredStart(what: string, requestId: string, pollTool: string): string {
  return (
    `Started ${what}; request_id ${requestId}. Fetch the result with ${pollTool} {"request_id":"${requestId}"} ` +
    `(add "wait_seconds": 60 to wait for it in one call). Results are kept for a limited time.`
  );
}
