import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { DeferredStatus } from "../../../gen/xai/api/v1/deferred_pb.js";
import { type GetDeferredVideoResponseSchema, Video } from "../../../gen/xai/api/v1/video_pb.js";
import { requireRoots } from "../../files/allowed-roots.js";
import { forArgument, PathAccessError } from "../../files/path-validation.js";
import { SafeDirectory, writeStream } from "../../files/safe-write.js";
import { formatBytes } from "../../media/byte-size.js";
import { openMedia } from "../../media/fetch-media.js";
import { extensionFor } from "../../media/image-type.js";
import { fileLink } from "../resource-link.js";
import { defineTool, type ToolContext } from "../tool.js";
import { VIDEO_JOB, videoDeferredResult, WAIT_OPTIONS } from "./deferred-handler.js";
import { type DeferredOutcome, pollDeferred } from "./deferred-poll.js";

/** Largest video downloaded to save_to (2 GiB). */
export const MAX_VIDEO_BYTES = 2 * 1024 * 1024 * 1024;

/** The options of `video_get_deferred_video`: the shared wait, plus `save_to`. */
export const VIDEO_DEFERRED_OPTIONS = WAIT_OPTIONS.extend({
  save_to: z
    .string()
    .min(1)
    .optional()
    .describe("Directory inside the allowed directories to download the finished video to (resource_link)."),
});

/**
 * `video_get_deferred_video`: polls (and with `wait_seconds` waits) like the other deferred tools;
 * with `save_to`, a finished video is streamed from its temporary URL into a new file in that
 * directory and returned as a `resource_link`.
 */
export const videoDeferredTool = defineTool(Video.method.getDeferredVideo, {
  options: VIDEO_DEFERRED_OPTIONS,
  run: async (request, options, ctx): Promise<CallToolResult> => {
    const { requestId } = request;
    const saveTo = options.save_to;
    if (saveTo !== undefined) {
      // Refused before polling: a bad directory should not be found out after a long wait.
      const target = await forArgument("save_to", requireRoots(ctx.roots).writable(saveTo));
      if (target.existing !== "none" && target.existing !== "directory") {
        throw new PathAccessError(`save_to: "${saveTo}" exists and is not a directory`);
      }
    }
    const wait = options.wait_seconds ?? 0;
    const outcome = await pollDeferred(Video.method.getDeferredVideo, request, VIDEO_JOB, ctx, wait);
    if (saveTo === undefined) return videoDeferredResult(requestId, outcome, wait);
    if (outcome.status !== DeferredStatus.DONE) {
      const why =
        outcome.status === DeferredStatus.PENDING
          ? "Not saved yet: the video is not done. Call again with save_to (and wait_seconds) to save it once done."
          : "Nothing to save.";
      return videoDeferredResult(requestId, outcome, wait, why);
    }
    const url = outcome.response.response?.video?.url ?? "";
    if (url === "") {
      return videoDeferredResult(requestId, outcome, wait, "Nothing to save: the job returned no video URL.");
    }
    return saveVideo(url, saveTo, requestId, outcome, wait, ctx);
  },
});

/** Downloads a finished video into `saveTo` and links it; a failed save still shows the video's URL. */
async function saveVideo(
  url: string,
  saveTo: string,
  requestId: string,
  outcome: DeferredOutcome<typeof GetDeferredVideoResponseSchema>,
  wait: number,
  ctx: ToolContext,
): Promise<CallToolResult> {
  let dir: SafeDirectory | undefined;
  try {
    dir = await forArgument("save_to", SafeDirectory.open(requireRoots(ctx.roots), saveTo, { create: true }));
    const media = await openMedia(url, {
      maxBytes: MAX_VIDEO_BYTES,
      signal: ctx.signal,
      idleTimeoutMs: ctx.mediaIdleTimeoutMs,
    });
    const mimeType = media.contentType.startsWith("video/") ? media.contentType : "video/mp4";
    const stem = `video-${requestId.replace(/[^A-Za-z0-9._-]/g, "_") || "result"}`;
    const total = media.length;
    const saved = await forArgument(
      "save_to",
      writeStream(dir, { stem, ext: extensionFor(mimeType) }, media.chunks, (n) =>
        ctx.progress(n, total, `downloaded ${formatBytes(n)}${total ? ` of ${formatBytes(total)}` : ""}`),
      ),
    );
    const result = videoDeferredResult(
      requestId,
      outcome,
      wait,
      `Saved the video (${formatBytes(saved.bytes)}) to ${saved.path}.`,
    );
    result.content.push(fileLink(saved.path, mimeType, saved.bytes, `Video of request ${requestId}`));
    return result;
  } catch (e) {
    // The video is done and its URL is in the result: a failed save must not hide it.
    const result = videoDeferredResult(
      requestId,
      outcome,
      wait,
      `Could not save the video to ${saveTo}: ${e instanceof Error ? e.message : String(e)}. The URL above is temporary; retry or fetch it soon.`,
    );
    return { ...result, isError: true };
  } finally {
    await dir?.close();
  }
}
