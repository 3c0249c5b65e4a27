import type { DescMethod, DescMethodUnary } from "@bufbuild/protobuf";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { DeferredStatus } from "../../../gen/xai/api/v1/deferred_pb.js";
import type {
  GetDeferredVideoRequestSchema,
  GetDeferredVideoResponseSchema,
} from "../../../gen/xai/api/v1/video_pb.js";
import { requireRoots } from "../../files/allowed-roots.js";
import { forArgument, PathAccessError } from "../../files/path-validation.js";
import { SafeDirectory, writeStream } from "../../files/safe-write.js";
import { formatBytes } from "../../media/byte-size.js";
import { openMedia } from "../../media/fetch-media.js";
import { extensionFor } from "../../media/image-type.js";
import { fileLink } from "../../media/resource-link.js";
import type { ToolHandler, ToolOptions } from "../tool.js";
import { VIDEO_JOB, videoDeferredResult, WAIT_OPTION, waitSecondsOf } from "./deferred-handler.js";
import { pollDeferred } from "./deferred-poll.js";

/** Largest video downloaded to save_to (2 GiB). */
export const MAX_VIDEO_BYTES = 2 * 1024 * 1024 * 1024;

/** The options of `video_get_deferred_video`: the shared wait, plus `save_to`. */
export const VIDEO_DEFERRED_OPTIONS: ToolOptions = {
  properties: {
    ...WAIT_OPTION.properties,
    save_to: {
      type: "string",
      description:
        "Directory inside the allowed directories to download the finished video to (resource_link).",
    },
  },
  validators: { ...WAIT_OPTION.validators, save_to: z.string().min(1) },
};

type VideoPollMethod = DescMethodUnary<
  typeof GetDeferredVideoRequestSchema,
  typeof GetDeferredVideoResponseSchema
>;

/**
 * `video_get_deferred_video`: polls (and with `wait_seconds` waits) like the other deferred tools;
 * with `save_to`, a finished video is streamed from its temporary URL into a new file in that
 * directory and returned as a `resource_link`.
 */
export function videoDeferredSaveHandler(method: DescMethod): ToolHandler {
  const m = method as VideoPollMethod;
  return async (request, options, ctx): Promise<CallToolResult> => {
    const requestId = (request as { requestId: string }).requestId;
    const saveTo = options.save_to as string | undefined;
    if (saveTo !== undefined) {
      // Refused before polling: a bad directory should not be found out after a long wait.
      const target = await forArgument("save_to", requireRoots(ctx.roots).writable(saveTo));
      if (target.existing !== "none" && target.existing !== "directory") {
        throw new PathAccessError(`save_to: "${saveTo}" exists and is not a directory`);
      }
    }
    const wait = waitSecondsOf(options);
    const outcome = await pollDeferred(m, request as never, VIDEO_JOB, ctx, wait);
    const url = outcome.response.response?.video?.url ?? "";
    if (saveTo === undefined) return videoDeferredResult(m, requestId, outcome, wait);
    if (outcome.status !== DeferredStatus.DONE) {
      const why =
        outcome.status === DeferredStatus.PENDING
          ? "Not saved yet: the video is not done. Call again with save_to (and wait_seconds) to save it once done."
          : "Nothing to save.";
      return videoDeferredResult(m, requestId, outcome, wait, why);
    }
    if (url === "")
      return videoDeferredResult(
        m,
        requestId,
        outcome,
        wait,
        "Nothing to save: the job returned no video URL.",
      );
    let dir: SafeDirectory | undefined;
    try {
      dir = await forArgument(
        "save_to",
        SafeDirectory.open(requireRoots(ctx.roots), saveTo, { create: true }),
      );
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
        m,
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
        m,
        requestId,
        outcome,
        wait,
        `Could not save the video to ${saveTo}: ${e instanceof Error ? e.message : String(e)}. The URL above is temporary; retry or fetch it soon.`,
      );
      return { ...result, isError: true };
    } finally {
      await dir?.close();
    }
  };
}
