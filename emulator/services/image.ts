import { Image } from "../../gen/xai/api/v1/image_pb.js";
import type { EmulatorContext } from "../context.js";
import { bind, type ServiceBinding } from "../service-impl.js";

/** The Image service: GenerateImage, served by the shared image engine (which Batch also uses). */
export function imageService(ctx: EmulatorContext): ServiceBinding {
  return bind(Image, {
    generateImage: (request) => ctx.images.generate(request),
  });
}
