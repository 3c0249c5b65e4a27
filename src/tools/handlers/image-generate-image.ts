import { z } from "zod";
import { Image } from "../../../gen/xai/api/v1/image_pb.js";
import { requireRoots } from "../../files/allowed-roots.js";
import { forArgument, PathAccessError } from "../../files/path-validation.js";
import { SafeDirectory } from "../../files/safe-write.js";
import { applyImageDefaults } from "../../media/image-defaults.js";
import { DEFAULT_INLINE_IMAGE_MAX_BYTES } from "../../media/image-output.js";
import { imageResult } from "../image-result.js";
import { defineTool } from "../tool.js";

/** The tool-level options of `image_generate_image`. */
export const IMAGE_GENERATE_OPTIONS = z.object({
  save_to: z
    .string()
    .min(1)
    .optional()
    .describe("Directory inside the allowed directories to write each image to (returned as resource_link)."),
  inline: z
    .boolean()
    .optional()
    .describe("Show images as image blocks. Default: base64 results yes, URL results no; true fetches URLs."),
});

/**
 * `image_generate_image`: generates, then hands the images back as MCP image blocks (bytes once,
 * referenced from the text and structured content), links, and optionally files under `save_to`.
 */
export const imageGenerateTool = defineTool(Image.method.generateImage, {
  options: IMAGE_GENERATE_OPTIONS,
  optionsNote:
    "format defaults to IMG_FORMAT_BASE64 (shown inline). image/images also take a local path or " +
    "file:// URI in the allowed directories. Images over the inline limit (1 MiB by default) are saved " +
    "and linked when save_to is set.",
  run: async (request, options, ctx) => {
    applyImageDefaults(request);
    const saveTo = options.save_to;
    if (saveTo !== undefined) {
      // Checked before anything is generated: a refused directory must not cost an image.
      const target = await forArgument("save_to", requireRoots(ctx.roots).writable(saveTo));
      if (target.existing !== "none" && target.existing !== "directory") {
        throw new PathAccessError(`save_to: "${saveTo}" exists and is not a directory`);
      }
    }
    const m = Image.method.generateImage;
    const response = await ctx.client.unary(m, request, { signal: ctx.signal });
    const saveDir =
      saveTo !== undefined
        ? await forArgument("save_to", SafeDirectory.open(requireRoots(ctx.roots), saveTo, { create: true }))
        : undefined;
    try {
      return await imageResult(m.output, response, {
        saveDir,
        inline: options.inline,
        inlineMaxBytes: ctx.inlineImageMaxBytes ?? DEFAULT_INLINE_IMAGE_MAX_BYTES,
        signal: ctx.signal,
        mediaIdleTimeoutMs: ctx.mediaIdleTimeoutMs,
      });
    } finally {
      await saveDir?.close();
    }
  },
});
