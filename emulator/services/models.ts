import { Models } from "../../gen/xai/api/v1/models_pb.js";
import type { EmulatorContext } from "../context.js";
import { invalidArgument } from "../errors.js";
import { bind, type ServiceBinding } from "../service-impl.js";

/** Rejects an empty name up front: "which model?" is a request error, not a missing model. */
function nameOf(name: string): string {
  if (name.trim() === "") throw invalidArgument("name is required: give a model name or alias, e.g. grok-4");
  return name;
}

/** The Models service: the catalog as the API lists and describes it. */
export function modelsService(ctx: EmulatorContext): ServiceBinding {
  const { catalog } = ctx;
  return bind(Models, {
    listLanguageModels: () => ({ models: catalog.languageModels() }),
    listEmbeddingModels: () => ({ models: catalog.embeddingModels() }),
    // Video models share the image-model message and are listed with the image models, the only
    // place the API has for them.
    listImageGenerationModels: () => ({ models: [...catalog.imageModels(), ...catalog.videoModels()] }),
    getLanguageModel: (req) => catalog.language(nameOf(req.name)),
    getEmbeddingModel: (req) => catalog.embedding(nameOf(req.name)),
    getImageGenerationModel: (req) => {
      const name = nameOf(req.name);
      const video = catalog.videoModels().find((m) => m.name === name || m.aliases.includes(name));
      return video ?? catalog.image(name);
    },
  });
}
