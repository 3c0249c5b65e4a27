// PLACEHOLDER: replaced by the models/chat part of the emulator.

import type { EmbeddingModel, ImageGenerationModel, LanguageModel } from "../gen/xai/api/v1/models_pb.js";
import type { BaseContext } from "./context.js";

/** The emulator's model catalog. Lookups accept a model's name or any of its aliases. */
export interface ModelCatalog {
  languageModels(): LanguageModel[];
  embeddingModels(): EmbeddingModel[];
  imageModels(): ImageGenerationModel[];
  /** Video generation models are described with the image-model message (the API has no video-model RPC). */
  videoModels(): ImageGenerationModel[];
  /** The model, or `NOT_FOUND` (thrown as EmulatorError) like the real API. */
  language(name: string): LanguageModel;
  embedding(name: string): EmbeddingModel;
  image(name: string): ImageGenerationModel;
  video(name: string): ImageGenerationModel;
}

export function createCatalog(_base: BaseContext): ModelCatalog {
  throw new Error("not implemented yet");
}
