// PLACEHOLDER: every method answers UNIMPLEMENTED until this service is written.
import { Image } from "../../gen/xai/api/v1/image_pb.js";
import type { EmulatorContext } from "../context.js";
import { type ServiceBinding, unimplemented } from "../service-impl.js";

export function imageService(_ctx: EmulatorContext): ServiceBinding {
  return unimplemented(Image);
}
