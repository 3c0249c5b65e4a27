import {
  DEFAULT_IMAGE_MODEL,
  optional,
  PromptArgumentError,
  type PromptSpec,
  toolCallPrompt,
} from "./prompt-spec.js";

/** `grok_image`: one image generation call, shown (and saved when asked). */
export const grokImage: PromptSpec = {
  name: "grok_image",
  title: "Generate an image with Grok",
  description: "Generate an image from a description with Grok Imagine.",
  tool: "image_generate_image",
  arguments: [
    { name: "description", description: "What the image shows.", required: true },
    {
      name: "aspect_ratio",
      description: "Shape of the image: 1:1, 16:9, 9:16, 4:3, 3:4, auto…",
      complete: "aspect-ratio",
    },
    {
      name: "save_to",
      description: "A directory (inside the allowed directories) to save the image in.",
    },
    {
      name: "model",
      description: `The image model (default ${DEFAULT_IMAGE_MODEL}); completes from the model catalog.`,
      complete: "image-model",
    },
  ],
  messages(args, enums) {
    const description = args.description ?? "";
    const ratioWord = optional(args, "aspect_ratio");
    const ratio = ratioWord === undefined ? undefined : enums.aspectRatio(ratioWord);
    if (ratioWord !== undefined && ratio === undefined) {
      throw new PromptArgumentError(
        "aspect_ratio",
        `"${ratioWord}" is not an aspect ratio; use one of ${enums.aspectRatios.join(", ")}`,
      );
    }
    const saveTo = optional(args, "save_to");
    const toolArgs = {
      model: optional(args, "model") ?? DEFAULT_IMAGE_MODEL,
      prompt: description,
      ...(ratio !== undefined ? { aspect_ratio: ratio } : {}),
      ...(saveTo !== undefined ? { save_to: saveTo } : {}),
    };
    return toolCallPrompt(
      `Generate an image: ${description}`,
      this.tool,
      toolArgs,
      undefined,
      saveTo !== undefined ? "Then show the image and say where it was saved." : "Then show the image.",
    );
  },
};
