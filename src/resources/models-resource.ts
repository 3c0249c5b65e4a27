import type { ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { Chat } from "../../gen/xai/api/v1/chat_pb.js";
import { Embedder } from "../../gen/xai/api/v1/embed_pb.js";
import { Image } from "../../gen/xai/api/v1/image_pb.js";
import {
  type EmbeddingModel,
  EmbeddingModelSchema,
  type ImageGenerationModel,
  ImageGenerationModelSchema,
  type LanguageModel,
  LanguageModelSchema,
  Models,
} from "../../gen/xai/api/v1/models_pb.js";
import { Video } from "../../gen/xai/api/v1/video_pb.js";
import { modelLine } from "../tools/render/models.js";
import { responseJson } from "../tools/result.js";
import { toolNameOf } from "../tools/tool-names.js";
import { jsonWithSummary, type ReadContext } from "./resource-contents.js";
import { MODELS_URI } from "./resource-uris.js";

/** The catalog by kind, in the order the summary shows it. */
export interface ModelCatalog {
  language: LanguageModel[];
  image: ImageGenerationModel[];
  video: ImageGenerationModel[];
  embedding: EmbeddingModel[];
}

/**
 * The model catalog of the kinds whose list tools are listed. Video models come in the image
 * generation list (they share its message); they are told apart by name.
 */
export async function readCatalog(
  ctx: Pick<ReadContext, "client" | "signal" | "toolNames">,
): Promise<ModelCatalog> {
  const m = Models.method;
  const opts = { signal: ctx.signal };
  const want = (tool: string) => ctx.toolNames.has(tool);
  const [language, imaging, embedding] = await Promise.all([
    want(toolNameOf(m.listLanguageModels))
      ? ctx.client.unary(m.listLanguageModels, {}, opts).then((r) => r.models)
      : [],
    want(toolNameOf(m.listImageGenerationModels))
      ? ctx.client.unary(m.listImageGenerationModels, {}, opts).then((r) => r.models)
      : [],
    want(toolNameOf(m.listEmbeddingModels))
      ? ctx.client.unary(m.listEmbeddingModels, {}, opts).then((r) => r.models)
      : [],
  ]);
  const isVideo = (model: ImageGenerationModel) => model.name.includes("video");
  return {
    language,
    image: imaging.filter((x) => !isVideo(x)),
    video: imaging.filter(isVideo),
    embedding,
  };
}

/** The catalog in protobuf JSON, as the resource holds it. */
function catalogJson(catalog: ModelCatalog): Record<keyof ModelCatalog, unknown[]> {
  return {
    language: catalog.language.map((x) => responseJson(LanguageModelSchema, x)),
    image: catalog.image.map((x) => responseJson(ImageGenerationModelSchema, x)),
    video: catalog.video.map((x) => responseJson(ImageGenerationModelSchema, x)),
    embedding: catalog.embedding.map((x) => responseJson(EmbeddingModelSchema, x)),
  };
}

const HEADINGS: Record<keyof ModelCatalog, string> = {
  language: `Language models (${toolNameOf(Chat.method.getCompletion)})`,
  image: `Image models (${toolNameOf(Image.method.generateImage)})`,
  video: `Video models (${toolNameOf(Video.method.generateVideo)})`,
  embedding: `Embedding models (${toolNameOf(Embedder.method.embed)})`,
};

/** `xai://models`: the catalog as JSON, then one markdown line per model. */
export async function readModels(ctx: ReadContext): Promise<ReadResourceResult> {
  const catalog = await readCatalog(ctx);
  const lines = ["# xAI models"];
  for (const kind of Object.keys(HEADINGS) as (keyof ModelCatalog)[]) {
    if (catalog[kind].length === 0) continue;
    lines.push("", `## ${HEADINGS[kind]}`, ...catalog[kind].map((model) => `- ${modelLine(model)}`));
  }
  return { contents: jsonWithSummary(MODELS_URI, catalogJson(catalog), lines.join("\n")) };
}
