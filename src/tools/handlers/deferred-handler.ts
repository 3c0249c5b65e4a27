import type { DescMessage, DescMethodUnary } from "@bufbuild/protobuf";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { Chat, type GetDeferredCompletionResponseSchema } from "../../../gen/xai/api/v1/chat_pb.js";
import { DeferredStatus, type StartDeferredResponseSchema } from "../../../gen/xai/api/v1/deferred_pb.js";
import { type GetDeferredVideoResponseSchema, Video } from "../../../gen/xai/api/v1/video_pb.js";
import {
  type DeferredTextContext,
  renderDeferredCompletion,
  renderDeferredStart,
  renderDeferredVideo,
} from "../render/deferred.js";
import { responseJson } from "../result.js";
import { defineTool, type ToolBehaviour } from "../tool.js";
import { toolNameOf } from "../tool-names.js";
import { type DeferredJob, type DeferredOutcome, MAX_WAIT_SECONDS, pollDeferred } from "./deferred-poll.js";

/** The tool-level `wait_seconds` option of the deferred polling tools. */
export const WAIT_OPTIONS = z.object({
  wait_seconds: z
    .number()
    .int()
    .min(0)
    .max(MAX_WAIT_SECONDS)
    .optional()
    .describe("Seconds to wait for a final status, polling ~1/s. Default 0: check once."),
});

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
export const chatDeferredTool = defineTool(Chat.method.getDeferredCompletion, {
  options: WAIT_OPTIONS,
  run: async (request, options, ctx) => {
    const m = Chat.method.getDeferredCompletion;
    const wait = options.wait_seconds ?? 0;
    const outcome = await pollDeferred(m, request, CHAT_JOB, ctx, wait);
    const json = responseJson(m.output, outcome.response);
    const c = textContext(
      request.requestId,
      outcome,
      wait,
      toolNameOf(m),
      toolNameOf(Chat.method.startDeferredCompletion),
    );
    return deferredResult(json, outcome.status, renderDeferredCompletion(outcome.response, c));
  },
});

/**
 * How a video job reads: its status, and `response.progress` as the percentage while PENDING
 * (`video_get_deferred_video` polls with {@link pollDeferred}, then words it with
 * {@link videoDeferredResult}).
 */
export const VIDEO_JOB: DeferredJob<typeof GetDeferredVideoResponseSchema> = {
  statusOf: (r) => r.status,
  percentOf: (r) => r.response?.progress,
  what: "video job",
};

/** The result of a video poll (see {@link deferredResult}). */
export function videoDeferredResult(
  requestId: string,
  outcome: DeferredOutcome<typeof GetDeferredVideoResponseSchema>,
  waitSeconds: number,
  extraText?: string,
): CallToolResult {
  const m = Video.method.getDeferredVideo;
  const json = responseJson(m.output, outcome.response);
  const c = textContext(
    requestId,
    outcome,
    waitSeconds,
    toolNameOf(m),
    toolNameOf(Video.method.generateVideo),
  );
  return deferredResult(json, outcome.status, renderDeferredVideo(outcome.response, c), extraText);
}

/**
 * A tool that starts a deferred job (`StartDeferredResponse`): the request id, and a line saying
 * which tool fetches the result.
 */
function startDeferredTool<I extends DescMessage>(
  method: DescMethodUnary<I, typeof StartDeferredResponseSchema>,
  what: string,
  poll: DescMethodUnary,
): ToolBehaviour {
  return defineTool(method, {
    run: async (request, _options, ctx) => {
      const response = await ctx.client.unary(method, request, { signal: ctx.signal });
      return {
        content: [{ type: "text", text: renderDeferredStart(what, response.requestId, toolNameOf(poll)) }],
        structuredContent: responseJson(method.output, response),
      };
    },
  });
}

/** `Chat.StartDeferredCompletion`: fetched with `chat_get_deferred_completion`. */
export const startDeferredCompletionTool = startDeferredTool(
  Chat.method.startDeferredCompletion,
  "deferred completion",
  Chat.method.getDeferredCompletion,
);

/** `Video.GenerateVideo`: fetched with `video_get_deferred_video`. */
export const generateVideoTool = startDeferredTool(
  Video.method.generateVideo,
  "video job",
  Video.method.getDeferredVideo,
);

/** `Video.ExtendVideo`: fetched with `video_get_deferred_video`. */
export const extendVideoTool = startDeferredTool(
  Video.method.extendVideo,
  "video job",
  Video.method.getDeferredVideo,
);
