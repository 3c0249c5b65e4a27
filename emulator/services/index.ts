import type { EmulatorContext } from "../context.js";
import type { ServiceBinding } from "../service-impl.js";
import { authService } from "./auth.js";
import { batchService } from "./batch.js";
import { chatService } from "./chat.js";
import { collectionsService } from "./collections.js";
import { documentsService } from "./documents.js";
import { embedderService } from "./embedder.js";
import { filesService } from "./files.js";
import { imageService } from "./image.js";
import { modelsService } from "./models.js";
import { sampleService } from "./sample.js";
import { tokenizeService } from "./tokenize.js";
import { videoService } from "./video.js";

/** Every service of the xAI API, bound to its emulated implementation. */
export function allServices(ctx: EmulatorContext): ServiceBinding[] {
  return [
    authService,
    batchService,
    chatService,
    collectionsService,
    documentsService,
    embedderService,
    filesService,
    imageService,
    modelsService,
    sampleService,
    tokenizeService,
    videoService,
  ].map((make) => make(ctx));
}
