import type { DescMessage, DescMethod, DescMethodUnary } from "@bufbuild/protobuf";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { GetDeferredCompletionResponseSchema } from "../../../gen/xai/api/v1/chat_pb.js";
import {
  DeferredStatus,
  type GetDeferredRequestSchema,
  type StartDeferredResponseSchema,
} from "../../../gen/xai/api/v1/deferred_pb.js";
import type {
  GetDeferredVideoRequestSchema,
  GetDeferredVideoResponseSchema,
} from "../../../gen/xai/api/v1/video_pb.js";
import {
  type DeferredTextContext,
  renderDeferredCompletion,
  renderDeferredStart,
  renderDeferredVideo,
} from "../render/deferred.js";
import { responseJson } from "../result.js";
import type { ToolHandler, ToolOptions } from "../tool.js";
import { type DeferredJob, type DeferredOutcome, MAX_WAIT_SECONDS, pollDeferred } from "./deferred-poll.js";

/** The tool-level `wait_seconds` option of the deferred polling tools. */
export const WAIT_OPTION: ToolOptions = {
  properties: {
    wait_seconds: {
      type: "integer",
      minimum: 0,
      maximum: MAX_WAIT_SECONDS,
      description: "Seconds to wait for a final status, polling ~1/s. Default 0: check once.",
    },
  },
  validators: { wait_seconds: z.number().int().min(0).max(MAX_WAIT_SECONDS) },
};

/** The `wait_seconds` a call asked for (0 when absent). */
export function waitSecondsOf(options: Record<string, unknown>): number {
  return typeof options.wait_seconds === "number" ? options.wait_seconds : 0;
}

type Json = Record<string, unknown>;

/**
 * The result of a deferred poll: the status in plain words (with what to call next) or the finished
 * job, and the poll response as structured content. EXPIRED and FAILED are errors: no result will
 * come. `extraText` is added below the text (for callers that post-process a finished job).
 */
export function deferredResult(
  json: Json,
  status: DeferredStatus,
  text: string,
  extraText?: string,
): CallToolResult {
  const final = status === DeferredStatus.EXPIRED || status === DeferredStatus.FAILED;
  return {
    ...(final ? { isError: true } : {}),
    content: [{ type: "text", text: extraText ? `${text}\n${extraText}` : text }],
    structuredContent: json,
  };
}

function textContext(
  requestId: string,
  outcome: Pick<DeferredOutcome<DescMessage>, "polls" | "waitedMs">,
  waitSeconds: number,
  pollTool: string,
  startTool: string,
): DeferredTextContext {
  return {
    requestId,
    pollTool,
    startTool,
    polls: outcome.polls,
    waitedSeconds: Math.round(outcome.waitedMs / 1000),
    waitSeconds,
  };
}

const CHAT_JOB: DeferredJob<typeof GetDeferredCompletionResponseSchema> = {
  statusOf: (r) => r.status,
  what: "deferred completion",
};

/** `Chat.GetDeferredCompletion`: one poll, or with `wait_seconds` a wait for DONE/EXPIRED/FAILED. */
export function chatDeferredHandler(method: DescMethod): ToolHandler {
  const m = method as DescMethodUnary<
    typeof GetDeferredRequestSchema,
    typeof GetDeferredCompletionResponseSchema
  >;
  return async (request, options, ctx) => {
    const req = request as { requestId: string };
    const wait = waitSecondsOf(options);
    const outcome = await pollDeferred(m, request as never, CHAT_JOB, ctx, wait);
    const json = responseJson(m.output, outcome.response);
    const c = textContext(
      req.requestId,
      outcome,
      wait,
      "chat_get_deferred_completion",
      "chat_start_deferred_completion",
    );
    return deferredResult(json, outcome.status, renderDeferredCompletion(json, c));
  };
}

/** How a video job reads: its status, and `response.progress` as the percentage while PENDING. */
export const VIDEO_JOB: DeferredJob<typeof GetDeferredVideoResponseSchema> = {
  statusOf: (r) => r.status,
  percentOf: (r) => r.response?.progress,
  what: "video job",
};

/**
 * `Video.GetDeferredVideo`: one poll, or with `wait_seconds` a wait reporting the video's progress
 * percentage. Callers that post-process a finished video can use {@link pollDeferred} with
 * {@link VIDEO_JOB}, then {@link videoDeferredResult}.
 */
export function videoDeferredHandler(method: DescMethod): ToolHandler {
  const m = method as VideoPollMethod;
  return async (request, options, ctx) => {
    const wait = waitSecondsOf(options);
    const outcome = await pollDeferred(m, request as never, VIDEO_JOB, ctx, wait);
    return videoDeferredResult(m, (request as { requestId: string }).requestId, outcome, wait);
  };
}

type VideoPollMethod = DescMethodUnary<
  typeof GetDeferredVideoRequestSchema,
  typeof GetDeferredVideoResponseSchema
>;

/** The result of a video poll (see {@link deferredResult}). */
export function videoDeferredResult(
  method: VideoPollMethod,
  requestId: string,
  outcome: DeferredOutcome<typeof GetDeferredVideoResponseSchema>,
  waitSeconds: number,
  extraText?: string,
): CallToolResult {
  const json = responseJson(method.output, outcome.response);
  const c = textContext(requestId, outcome, waitSeconds, "video_get_deferred_video", "video_generate_video");
  return deferredResult(json, outcome.status, renderDeferredVideo(json, c), extraText);
}

/**
 * A tool that starts a deferred job (`StartDeferredResponse`): the request id, and a line saying
 * which tool fetches the result.
 */
export function startDeferredHandler(what: string, pollTool: string): (method: DescMethod) => ToolHandler {
  return (method) => {
    const m = method as DescMethodUnary<DescMessage, typeof StartDeferredResponseSchema>;
    return async (request, _options, ctx) => {
      const response = await ctx.client.unary(m, request as never, { signal: ctx.signal });
      return {
        content: [{ type: "text", text: renderDeferredStart(what, response.requestId, pollTool) }],
        structuredContent: responseJson(m.output, response),
      };
    };
  };
}
